// An agent leasing ahead (--prefetch) against a real scheduler: handlers stay within concurrency,
// waiting jobs keep their leases, and a stopping agent hands unstarted jobs straight back.
import { createAgent, defineJob, type Agent } from '@foreman/worker-agent';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations, validatingFetch } from './support/validating-fetch.js';
import { eventTypes, eventually, getJob } from './support/worker-calls.js';

let foreman: TestScheduler;
const agents: Agent[] = [];
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await foreman.close();
});
afterAll(() => expect(contractViolations).toEqual([]));

async function startAgent(options: Omit<Parameters<typeof createAgent>[0] & object, 'url'>): Promise<Agent> {
  const agent = createAgent({ url: foreman.url, logLevel: 'silent', fetch: validatingFetch, waitMs: 5000, ...options });
  agents.push(agent);
  await agent.start();
  return agent;
}

async function enqueueMany(count: number, job: { type: string; lease_ms?: number }): Promise<string[]> {
  const { data, error } = await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: count }, () => job) } });
  expect(error).toBeUndefined();
  return data!.jobs.map(({ id }) => id);
}

const finished = (id: string) => eventually(() => getJob(foreman.client, id), (job) => ['completed', 'failed', 'cancelled'].includes(job.status));

async function worker(workerId: string) {
  const { data } = await foreman.client.GET('/workers');
  return data!.workers.find((candidate) => candidate.worker_id === workerId);
}

describe('an agent with prefetch', () => {
  it('holds up to concurrency + prefetch jobs but runs no more handlers than its concurrency', async () => {
    let running = 0;
    let peakRunning = 0;
    const slow = defineJob({
      type: 'slow',
      handler: async () => {
        peakRunning = Math.max(peakRunning, ++running);
        await new Promise((resolve) => setTimeout(resolve, 40));
        running--;
      },
    });
    const ids = await enqueueMany(20, { type: 'slow' });
    await startAgent({ handlers: [slow], concurrency: 2, prefetch: 3, workerId: 'prefetching' });

    let peakHeld = 0;
    const watching = (async () => {
      while (!(await Promise.all(ids.map((id) => getJob(foreman.client, id)))).every((job) => job.status === 'completed')) {
        peakHeld = Math.max(peakHeld, (await worker('prefetching'))?.running_jobs ?? 0);
      }
    })();
    for (const id of ids) expect(await finished(id)).toMatchObject({ status: 'completed', attempt: 1 });
    await watching;

    expect(peakRunning).toBe(2);
    expect(peakHeld).toBeGreaterThan(2);
    expect(peakHeld).toBeLessThanOrEqual(5);
    expect((await worker('prefetching'))?.agent).toMatchObject({ concurrency: 2, prefetch: 3 });
  });

  it('keeps the leases of jobs waiting for a slot alive past lease_ms', async () => {
    const slow = defineJob({ type: 'slow', handler: () => new Promise((resolve) => setTimeout(resolve, 400)) });
    // The third job waits about 800 ms for its slot, well past its 300 ms lease.
    const ids = await enqueueMany(3, { type: 'slow', lease_ms: 300 });
    await startAgent({ handlers: [slow], concurrency: 1, prefetch: 2 });
    for (const id of ids) {
      expect(await finished(id)).toMatchObject({ status: 'completed', attempt: 1 });
      expect(await eventTypes(foreman.client, id)).toEqual(['enqueued', 'leased', 'completed']);
    }
  });

  it('hands jobs that have not started back at once when stopping, without using an attempt', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const started: string[] = [];
    const gated = defineJob({
      type: 'gated',
      handler: async (_payload, ctx) => {
        started.push(ctx.jobId);
        await gate;
      },
    });
    const ids = await enqueueMany(4, { type: 'gated' });
    const agent = await startAgent({ handlers: [gated], concurrency: 1, prefetch: 3, shutdownGraceMs: 30_000, workerId: 'stopping' });
    await eventually(async () => (await worker('stopping'))?.running_jobs, (held) => held === 4);
    expect(started).toHaveLength(1);

    const stopped = agent.stop();
    const waiting = ids.filter((id) => id !== started[0]);
    for (const id of waiting) {
      // Back while the first job still runs: not held through the grace period.
      const job = await eventually(() => getJob(foreman.client, id), ({ status }) => status === 'pending');
      expect(job).toMatchObject({ attempt: 0, error: { code: 'shutdown', retryable: true } });
    }
    expect(await getJob(foreman.client, started[0]!)).toMatchObject({ status: 'running' });
    openGate();
    await stopped;
    expect(await getJob(foreman.client, started[0]!)).toMatchObject({ status: 'completed', attempt: 1 });

    await startAgent({ handlers: [gated] });
    for (const id of waiting) expect(await finished(id)).toMatchObject({ status: 'completed', attempt: 1 });
    expect(started).toHaveLength(4);
  });
});
