import { describe, expect, it } from 'vitest';
import type { JobRow } from '../store/schema.js';
import { JobConflictError, LeaseOwnerError } from './job-errors.js';
import * as machine from './state-machine.js';

const now = 1_800_000_000_000;

function job(overrides: Partial<JobRow> = {}): JobRow {
  const spec = {
    id: 'job-1',
    type: 't',
    queue: 'default',
    payload: '{}',
    priority: 0,
    max_attempts: 3,
    backoff_strategy: 'fixed' as const,
    backoff_base_ms: 1000,
    backoff_max_ms: 10_000,
    backoff_jitter: 0,
    timeout_ms: 1000,
    lease_ms: 30_000,
    run_at: now - 10,
  };
  return { ...machine.create(spec, { now: now - 10 }).job, ...overrides };
}

const running = (overrides: Partial<JobRow> = {}) =>
  job({ state: 'running', attempt: 1, version: 2, worker_id: 'w', started_at: now - 5, lease_expires_at: now + 100, ...overrides });

describe('lease', () => {
  it('starts the next attempt and bumps the version', () => {
    const { changes, events } = machine.lease(job(), { workerId: 'w', now });
    expect(changes).toMatchObject({ state: 'running', attempt: 1, version: 2, worker_id: 'w', started_at: now, lease_expires_at: now + 30_000 });
    expect(events.map((e) => e.type)).toEqual(['leased']);
  });

  it.each(['scheduled', 'running', 'completed', 'failed', 'cancelled'] as const)('refuses a %s job', (state) => {
    expect(() => machine.lease(job({ state }), { workerId: 'w', now })).toThrow(JobConflictError);
  });
});

describe('leaseRefusal', () => {
  it('accepts the lease holder at the leased version only', () => {
    expect(machine.leaseRefusal(running(), { workerId: 'w', version: 2 })).toBeNull();
    expect(machine.leaseRefusal(running(), { workerId: 'w', version: 1 })).toBeInstanceOf(JobConflictError);
    expect(machine.leaseRefusal(running(), { workerId: 'other', version: 2 })).toBeInstanceOf(LeaseOwnerError);
    expect(machine.leaseRefusal(running({ state: 'completed' }), { workerId: 'w', version: 2 })).toBeInstanceOf(JobConflictError);
  });
});

describe('lapse', () => {
  it('ends the attempt of a running job whose lease has passed, and nothing else', () => {
    const due = running({ lease_expires_at: now });
    expect(machine.lapse(due, { now })).toEqual(machine.expireLease(due, { now }));
    expect(machine.lapse(running({ lease_expires_at: now + 1 }), { now })).toBeNull();
    expect(machine.lapse(running({ state: 'completed', lease_expires_at: now - 1 }), { now })).toBeNull();
  });

  it('refuses the late request with the job as the lapse left it, saying when the lease expired', () => {
    const refusal = machine.lapsedLeaseRefusal(running({ state: 'available', version: 3 }), now);
    expect(refusal).toBeInstanceOf(JobConflictError);
    expect(refusal).toMatchObject({ jobStatus: 'pending', jobVersion: 3, message: expect.stringContaining(new Date(now).toISOString()) });
  });
});

describe('fail', () => {
  const error = { message: 'boom', code: null, retryable: true };

  it('schedules a retry after the backoff while attempts remain', () => {
    const { changes, events } = machine.fail(running(), { error, now });
    expect(changes).toMatchObject({ state: 'scheduled', run_at: now + 1000, version: 3 });
    expect(events[0]).toMatchObject({ type: 'retry_scheduled', details: { delay_ms: 1000 } });
  });

  it('runs a job its agent handed back while shutting down again at once, without using up an attempt', () => {
    expect(machine.fail(running(), { error: { ...error, code: 'shutdown' }, now }).changes).toMatchObject({ state: 'available', run_at: now, attempt: 0 });
    expect(machine.fail(running({ attempt: 3 }), { error: { ...error, code: 'shutdown' }, now }).changes).toMatchObject({ state: 'available', attempt: 2 });
  });

  it('makes the job runnable at once when the backoff is zero', () => {
    expect(machine.fail(running({ backoff_base_ms: 0 }), { error, now }).changes).toMatchObject({ state: 'available', run_at: now });
  });

  it('ends failed when attempts are used up or the error is not retryable', () => {
    expect(machine.fail(running({ attempt: 3 }), { error, now }).changes).toMatchObject({ state: 'failed', finished_at: now });
    expect(machine.fail(running(), { error: { ...error, retryable: false }, now }).changes.state).toBe('failed');
  });

  it('ends cancelled when a cancel was requested', () => {
    expect(machine.fail(running({ cancel_requested: 1 }), { error, now }).changes.state).toBe('cancelled');
  });
});

describe('expireLease', () => {
  it('counts as a failed attempt with code lease_expired', () => {
    const { changes, events } = machine.expireLease(running(), { now });
    expect(JSON.parse(changes.error!)).toMatchObject({ code: 'lease_expired' });
    expect(events.map((e) => e.type)).toEqual(['lease_expired', 'retry_scheduled']);
  });
});

describe('cancel', () => {
  it('cancels pending jobs at once and flags running ones without a new version', () => {
    expect(machine.cancel(job(), { now })).toMatchObject({ immediate: true, changes: { state: 'cancelled', version: 2 } });
    expect(machine.cancel(job({ state: 'scheduled' }), { now }).immediate).toBe(true);
    const flagged = machine.cancel(running(), { now });
    expect(flagged).toMatchObject({ immediate: false, changes: { cancel_requested: 1 } });
    expect(flagged.changes.version).toBeUndefined();
    expect(machine.cancel(running({ cancel_requested: 1 }), { now }).events).toEqual([]);
  });

  it('refuses terminal jobs', () => {
    for (const state of ['completed', 'failed', 'cancelled'] as const) {
      expect(() => machine.cancel(job({ state }), { now })).toThrow(JobConflictError);
    }
  });
});

describe('retry', () => {
  it('allows at least one more attempt and honours a higher max_attempts', () => {
    expect(machine.retry(job({ state: 'failed', attempt: 3 }), { maxAttempts: undefined, now }).changes).toMatchObject({ state: 'available', max_attempts: 4, run_at: now });
    expect(machine.retry(job({ state: 'failed', attempt: 3 }), { maxAttempts: 2, now }).changes.max_attempts).toBe(4);
    expect(machine.retry(job({ state: 'cancelled', attempt: 0 }), { maxAttempts: 10, now }).changes.max_attempts).toBe(10);
  });

  it('refuses jobs that have not ended failed or cancelled', () => {
    for (const state of ['available', 'scheduled', 'running', 'completed'] as const) {
      expect(() => machine.retry(job({ state }), { maxAttempts: undefined, now })).toThrow(JobConflictError);
    }
  });
});
