// The lease-history check the replica test relies on finds what it is meant to find.
import { describe, expect, it } from 'vitest';
import { leaseViolations, type LeaseEvent } from './support/lease-history.js';

const event = (type: string, worker_id: string | null, version: number): LeaseEvent => ({ type, worker_id, version });

describe('leaseViolations', () => {
  it('accepts leases that end before the next begins, with one completion by the holder', () => {
    const history = [event('enqueued', null, 1), event('leased', 'a', 2), event('lease_expired', 'a', 3), event('retry_scheduled', 'a', 3), event('leased', 'b', 4), event('report_superseded', 'a', 2), event('completed', 'b', 5)];
    expect(leaseViolations(history)).toEqual([]);
  });

  it('reports a lease granted while another is in force', () => {
    expect(leaseViolations([event('leased', 'a', 2), event('leased', 'b', 3), event('completed', 'b', 4)])).toEqual(['leased to b at version 3 while a held version 2']);
  });

  it('reports a completion by a worker without the lease, and a job completed twice or never', () => {
    expect(leaseViolations([event('leased', 'a', 2), event('completed', 'b', 3)])).toEqual(['completed by b at version 3 without holding the lease']);
    expect(leaseViolations([event('leased', 'a', 2), event('completed', 'a', 3), event('completed', 'a', 3)])).toEqual([
      'completed by a at version 3 without holding the lease',
      '2 accepted completions',
    ]);
    expect(leaseViolations([event('leased', 'a', 2)])).toEqual(['0 accepted completions']);
  });
});
