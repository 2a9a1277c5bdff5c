// Several schedulers on one PostgreSQL database: a job enqueued through one replica wakes a
// poller parked on another, and a lost notification only delays it by the re-check interval.
import { openStorage } from '@foreman/scheduler';
import { describe, expect, it } from 'vitest';
import { newJob } from '../packages/scheduler/src/jobs/new-job.js';
import { clientFor } from './support/scheduler.js';
import { replicasOnOneDatabase } from './support/replicas.js';
import { backend } from './support/test-database.js';
import { enqueue, leaseJobs } from './support/worker-calls.js';

// The second replica re-checks too rarely to be what wakes a poller within a test: only a
// notification can. The first re-checks often, for the lost-notification case.
const { replicas, database } = replicasOnOneDatabase([300, 60_000]);

describe.skipIf(backend !== 'postgres')('replicas sharing a PostgreSQL database', () => {
  it('wake a poller parked on one replica when a job is enqueued through another', async () => {
    const [a, b] = replicas.map((replica) => clientFor(replica.url)) as [ReturnType<typeof clientFor>, ReturnType<typeof clientFor>];
    // The first calls compile the contract's response validators; the timing below is the notification's.
    await enqueue(a, { type: 'warm-up' });
    await leaseJobs(b, 'warm-up', { types: ['warm-up'] });
    const parked = leaseJobs(b, 'parked-on-b', { wait_ms: 20_000, types: ['cross'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    const job = await enqueue(a, { type: 'cross' });
    const leased = await parked;
    expect(leased.map((j) => j.id)).toEqual([job.id]);
    // A notification, not the 20 s wait; loose, for a loaded machine.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('find a job whose notification never came with the periodic re-check', async () => {
    const a = clientFor(replicas[0]!.url);
    const parked = leaseJobs(a, 'parked-on-a', { wait_ms: 20_000, types: ['silent'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A third connection that announces nothing, as if the notification had been lost.
    const storage = await openStorage(database().db);
    const now = storage.now();
    const spec = { type: 'silent', payload: {}, queue: 'default', priority: 0, max_attempts: 1, backoff: { strategy: 'fixed' as const, base_ms: 0, max_ms: 0, jitter: false }, timeout_ms: 1000, lease_ms: 30_000 };
    const { outcomes } = await storage.store.enqueueJobs({ jobs: [newJob(spec, now)], now });
    await storage.feed?.close();
    await storage.close();
    const started = performance.now();
    const leased = await parked;
    expect(leased.map((j) => j.id)).toEqual([outcomes[0]!.job.id]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
