// Delayed jobs on several replicas of one PostgreSQL database: replicas promote due jobs on their
// timers and periodic sweeps, often the same job at once; the one that wins wakes the pollers, and
// the others must not hold the row meanwhile, or a woken poller's claim skips it and sleeps until
// its re-check.
import { describe, expect, it } from 'vitest';
import { replicasOnOneDatabase } from './support/replicas.js';
import { clientFor } from './support/scheduler.js';
import { backend } from './support/test-database.js';
import { enqueue, leaseJobs } from './support/worker-calls.js';

const replicaCount = 4;
/** Each replica also promotes due jobs every second, so that some promote runs near every job's run_at. */
const sweepIntervalMs = 1000;

const { replicas } = replicasOnOneDatabase(Array.from({ length: replicaCount }, () => sweepIntervalMs));

describe.skipIf(backend !== 'postgres')('delayed jobs on several replicas', () => {
  it('are leased to a waiting poller as soon as they fall due', async () => {
    const clients = replicas.map((replica) => clientFor(replica.url));
    const late: number[] = [];
    for (let round = 0; round < 10; round++) {
      const poller = clients[round % replicaCount]!;
      const producer = clients[(round + 1) % replicaCount]!;
      const parked = leaseJobs(poller, `poller-${round}`, { wait_ms: 20_000, queues: ['delayed'] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const job = await enqueue(producer, { type: 'later', queue: 'delayed', delay_ms: 1500 });
      const [leased] = await parked;
      expect(leased!.id).toBe(job.id);
      late.push(Date.parse(leased!.started_at!) - Date.parse(job.run_at));
    }
    // A missed wake-up waits for a re-check: hundreds of milliseconds. One slow round is allowed for a loaded machine.
    expect(late.filter((ms) => ms > 250).length, late.join(', ')).toBeLessThanOrEqual(1);
  }, 60_000);
});
