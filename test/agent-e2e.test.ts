// Real agents (in this process) against a real scheduler over HTTP: what a user sees end to end.
import { createAgent, defineJob, JobError, type Agent } from '@foreman/worker-agent';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations, validatingFetch } from './support/validating-fetch.js';
import { enqueue, eventTypes, eventually, getJob } from './support/worker-calls.js';

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

/** A 40 ms job of type `slow` that counts the most handlers running at once. */
function slowJobCountingPeak() {
  let running = 0;
  let peak = 0;
  const definition = defineJob({
    type: 'slow',
    handler: async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 40));
      running--;
    },
  });
  return { definition, peak: () => peak };
}

const finished = (id: string) => eventually(() => getJob(foreman.client, id), (job) => ['completed', 'failed', 'cancelled'].includes(job.status));

describe('an agent', () => {
  it('runs an enqueued job to completion and stores its result, with the events in order', async () => {
    const resize = defineJob({
      type: 'image.resize',
      schema: z.object({ width: z.number() }),
      handler: async (payload, ctx) => {
        ctx.progress(1, 1, 'done');
        return { width: payload.width * 2, attempt: ctx.attempt, jobId: ctx.jobId };
      },
    });
    await startAgent({ handlers: [resize], workerId: 'agent-1' });
    const job = await enqueue(foreman.client, { type: 'image.resize', payload: { width: 21 } });
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'completed', attempt: 1, worker_id: 'agent-1', result: { width: 42, attempt: 1, jobId: job.id } });
    expect(done.progress).toEqual({ current: 1, total: 1, message: 'done' });
    const { data } = await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
    expect(data!.events.map((event) => event.type)).toEqual(['enqueued', 'leased', 'progress', 'completed']);
    expect(data!.events.map((event) => event.version)).toEqual([1, 2, 2, 3]);
  });

  it('takes an empty token as none, as an empty FOREMAN_TOKEN in `token: process.env.FOREMAN_TOKEN` gives it', async () => {
    const echo = defineJob({ type: 'echo', handler: async (payload) => payload });
    await startAgent({ handlers: [echo], token: '' });
    const job = await enqueue(foreman.client, { type: 'echo', payload: { n: 1 } });
    expect(await finished(job.id)).toMatchObject({ status: 'completed', result: { n: 1 } });
  });

  it('never runs more handlers at once than its concurrency', async () => {
    const slow = slowJobCountingPeak();
    await startAgent({ handlers: [slow.definition], concurrency: 3 });
    const { data } = await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: 30 }, () => ({ type: 'slow' })) } });
    for (const job of data!.jobs) await finished(job.id);
    expect(slow.peak()).toBe(3);
  });

  it('picks a job up promptly while idle, through the long poll', async () => {
    const started: number[] = [];
    await startAgent({ handlers: [defineJob({ type: 'ping', handler: async () => void started.push(performance.now()) })] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = performance.now();
    const job = await enqueue(foreman.client, { type: 'ping' });
    await finished(job.id);
    // Loose: the point is that it is not the 5 s long-poll timeout or a polling interval.
    expect(started[0]! - before).toBeLessThan(1000);
  });

  it('fails a job whose payload does not match the schema, without retrying', async () => {
    const typed = defineJob({ type: 'typed', schema: z.object({ n: z.number() }), handler: async () => 'never' });
    await startAgent({ handlers: [typed] });
    const job = await enqueue(foreman.client, { type: 'typed', payload: { n: 'not a number' }, max_attempts: 5 });
    expect(await finished(job.id)).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'invalid_payload', retryable: false } });
  });

  it('retries a failing handler with backoff until it succeeds', async () => {
    const flaky = defineJob({
      type: 'flaky',
      handler: async (_payload, ctx) => {
        if (ctx.attempt < 3) throw new JobError(`attempt ${ctx.attempt} failed`, { code: 'flaky' });
        return 'third time lucky';
      },
    });
    await startAgent({ handlers: [flaky] });
    const job = await enqueue(foreman.client, { type: 'flaky', max_attempts: 3, backoff: { strategy: 'fixed', base_ms: 100, jitter: false } });
    expect(await finished(job.id)).toMatchObject({ status: 'completed', attempt: 3, result: 'third time lucky' });
    const { data } = await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
    const retries = data!.events.filter((event) => event.type === 'retry_scheduled');
    const leases = data!.events.filter((event) => event.type === 'leased');
    expect(retries).toHaveLength(2);
    // Each retry waited out its backoff: leased no earlier than the scheduled run_at.
    retries.forEach((retry, i) => expect(Date.parse(leases[i + 1]!.at)).toBeGreaterThanOrEqual(Date.parse((retry.details as { run_at: string }).run_at)));
  });

  it('aborts a handler that runs past timeout_ms and reports code timeout', async () => {
    let sawAbort = false;
    const stuck = defineJob({
      type: 'stuck',
      handler: (_payload, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    });
    await startAgent({ handlers: [stuck] });
    const job = await enqueue(foreman.client, { type: 'stuck', timeout_ms: 200, max_attempts: 1 });
    expect(await finished(job.id)).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect(sawAbort).toBe(true);
  });

  it('leases nothing for the slot of a timed-out handler that ignores its signal until that handler returns', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const deaf = defineJob({ type: 'deaf', schema: z.object({ hold: z.boolean().optional() }), handler: async ({ hold }) => (hold ? released.then(() => 'late') : 'quick') });
    const held = await enqueue(foreman.client, { type: 'deaf', payload: { hold: true }, timeout_ms: 200, max_attempts: 1, priority: 1 });
    const next = await enqueue(foreman.client, { type: 'deaf', payload: {} });
    await startAgent({ handlers: [deaf], concurrency: 1, workerId: 'deaf-agent' });
    expect(await finished(held.id)).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    // The one handler slot is still taken: the job waiting behind it stays pending, free for an
    // idle agent elsewhere, rather than leased to wait here.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await getJob(foreman.client, next.id)).toMatchObject({ status: 'pending', attempt: 0 });
    release();
    expect(await finished(next.id)).toMatchObject({ status: 'completed', result: 'quick', worker_id: 'deaf-agent' });
  });

  it('aborts a running job when it is cancelled; the job ends cancelled and is not retried', async () => {
    let started = false;
    let aborted = false;
    const long = defineJob({
      type: 'long',
      handler: (_payload, ctx) =>
        new Promise((_resolve, reject) => {
          started = true;
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('stopped'));
          });
        }),
    });
    await startAgent({ handlers: [long] });
    // A short lease makes the agent heartbeat (and so learn of the cancel) every 100 ms.
    const job = await enqueue(foreman.client, { type: 'long', lease_ms: 300, max_attempts: 5 });
    await eventually(async () => started, Boolean);
    const { response } = await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    expect(response.status).toBe(202);
    expect(await finished(job.id)).toMatchObject({ status: 'cancelled', attempt: 1 });
    expect(aborted).toBe(true);
  });

  it('enqueues child jobs with parent_id set', async () => {
    const parent = defineJob({ type: 'parent', handler: async (_payload, ctx) => (await ctx.enqueue({ type: 'child', payload: { from: ctx.jobId } })).id });
    await startAgent({ handlers: [parent] });
    const job = await enqueue(foreman.client, { type: 'parent' });
    const done = await finished(job.id);
    const child = await getJob(foreman.client, done.result as string);
    expect(child).toMatchObject({ type: 'child', parent_id: job.id, payload: { from: job.id } });
  });

  it('still stops when the scheduler is gone for good, giving up its last report after a deadline', async () => {
    let started = false;
    const long = defineJob({
      type: 'long',
      handler: (_payload, ctx) =>
        new Promise((_resolve, reject) => {
          started = true;
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    });
    const agent = createAgent({ url: foreman.url, logLevel: 'silent', handlers: [long], shutdownGraceMs: 100, waitMs: 1000 });
    await agent.start();
    await enqueue(foreman.client, { type: 'long' });
    await eventually(async () => started, Boolean);
    await foreman.close();
    const before = performance.now();
    await agent.stop();
    expect(performance.now() - before).toBeLessThan(25_000);
    foreman = await startTestScheduler();
  }, 40_000);

  it('does not spend the grace period on reports once its handlers are done: the report deadline alone bounds them', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started = false;
    const gated = defineJob({ type: 'gated', handler: async () => ((started = true), await gate, 'done') });
    const agent = createAgent({ url: foreman.url, logLevel: 'silent', handlers: [gated], shutdownGraceMs: 10_000, waitMs: 1000 });
    await agent.start();
    await enqueue(foreman.client, { type: 'gated' });
    await eventually(async () => started, Boolean);
    await foreman.close();
    open();
    const before = performance.now();
    await agent.stop();
    // The 15 s report deadline, not the 10 s grace on top of it.
    expect(performance.now() - before).toBeLessThan(20_000);
    foreman = await startTestScheduler();
  }, 40_000);

  it('runs the built-in sleep handler', async () => {
    await startAgent({});
    const job = await enqueue(foreman.client, { type: 'sleep', payload: { ms: 20 } });
    expect(await finished(job.id)).toMatchObject({ status: 'completed' });
  });
});

async function enqueueMany(count: number, job: { type: string; lease_ms?: number }): Promise<string[]> {
  const { data, error } = await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: count }, () => job) } });
  expect(error).toBeUndefined();
  return data!.jobs.map(({ id }) => id);
}

async function worker(workerId: string) {
  const { data } = await foreman.client.GET('/workers');
  return data!.workers.find((candidate) => candidate.worker_id === workerId);
}

describe('an agent with prefetch', () => {
  it('holds up to concurrency + prefetch jobs but runs no more handlers than its concurrency', async () => {
    const slow = slowJobCountingPeak();
    const ids = await enqueueMany(20, { type: 'slow' });
    await startAgent({ handlers: [slow.definition], concurrency: 2, prefetch: 3, workerId: 'prefetching' });

    let peakHeld = 0;
    const watching = (async () => {
      while (!(await Promise.all(ids.map((id) => getJob(foreman.client, id)))).every((job) => job.status === 'completed')) {
        peakHeld = Math.max(peakHeld, (await worker('prefetching'))?.running_jobs ?? 0);
      }
    })();
    for (const id of ids) expect(await finished(id)).toMatchObject({ status: 'completed', attempt: 1 });
    await watching;

    expect(slow.peak()).toBe(2);
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
