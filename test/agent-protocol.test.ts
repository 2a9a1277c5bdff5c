// What an agent asks the scheduler and how it takes each answer, against a real scheduler: the
// agent's requests pass through a tap that records them and makes the faults a scheduler would
// not produce on cue (a 503, an altered body); every other answer is the scheduler's own.
import { setTimeout as sleep } from 'node:timers/promises';
import { createAgent, defineJob, JobError, type Agent } from '@foreman/worker-agent';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger } from './support/memory-logger.js';
import { SchedulerTap } from './support/scheduler-tap.js';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { waitFor } from './support/wait-for.js';
import { enqueue, eventTypes, eventually, getJob, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
let tap: SchedulerTap;
const agents: Agent[] = [];
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
  tap = new SchedulerTap();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await foreman.close();
});
afterAll(() => expect(contractViolations).toEqual([]));

async function startAgent(options: Omit<Parameters<typeof createAgent>[0] & object, 'url'>) {
  const { logger, records } = memoryLogger();
  const agent = createAgent({ url: foreman.url, fetch: tap.fetch, logger, waitMs: 1_000, shutdownGraceMs: 500, ...options });
  agents.push(agent);
  await agent.start();
  return { agent, records };
}

/** A handler that runs until its signal aborts, then rejects with the abort reason. */
const untilAborted = (aborted: AbortSignal[] = []) =>
  defineJob({
    type: 'wait',
    handler: (_payload, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          aborted.push(ctx.signal);
          reject(ctx.signal.reason);
        });
      }),
  });

const statusIs = (id: string, ...statuses: string[]) => eventually(() => getJob(foreman.client, id), (job) => statuses.includes(job.status));
const runningOn = (id: string, workerId: string) => eventually(() => getJob(foreman.client, id), (job) => job.status === 'running' && job.worker_id === workerId);
const leaseRequests = () => tap.sent(/^\/next-job$/).length;
const heartbeatPath = /^\/heartbeats$/;
/** The items of every heartbeat batch the agent sent for this job, in order. */
const heartbeatsOf = (jobId: string) =>
  tap.sent(heartbeatPath).flatMap((exchange) => (exchange.body!.heartbeats as Array<{ id: string; version: number; progress?: unknown }>).filter((item) => item.id === jobId));

/**
 * Makes the agent lose the job's lease for real: its heartbeats fail until the lease expires and
 * another worker leases the job. Returns the stop of the heartbeat failures. The job should allow
 * two attempts: the second worker's lease then expires for good, and no third lease muddles
 * what the agent was answered.
 */
async function loseLease(jobId: string, agentId: string): Promise<() => void> {
  await runningOn(jobId, agentId);
  const restoreHeartbeats = tap.fail(heartbeatPath);
  await statusIs(jobId, 'pending');
  const usurped = await leaseOne(foreman.client, 'usurper', { types: ['wait'] });
  expect(usurped.id).toBe(jobId);
  return restoreHeartbeats;
}

describe('leasing', () => {
  it('asks for its handler types with worker id, wait and agent info, and stores JSON results', async () => {
    const { agent } = await startAgent({
      concurrency: 4,
      handlers: [defineJob({ type: 'echo', handler: (payload) => payload }), defineJob({ type: 'nothing', handler: () => undefined })],
    });
    const echo = await enqueue(foreman.client, { type: 'echo', payload: { a: [1, 'two'] } });
    const nothing = await enqueue(foreman.client, { type: 'nothing' });

    expect(await statusIs(echo.id, 'completed')).toMatchObject({ worker_id: agent.workerId, result: { a: [1, 'two'] } });
    expect(await statusIs(nothing.id, 'completed')).toMatchObject({ result: null });
    const lease = tap.sent(/^\/next-job$/)[0]!.body!;
    expect(lease).toMatchObject({ worker_id: agent.workerId, wait_ms: 1_000, max: 4, agent: { version: '0.1.0', concurrency: 4 } });
    expect([...(lease.types as string[])].sort()).toEqual(['echo', 'http', 'nothing', 'sleep']);
    expect(lease).not.toHaveProperty('queues');
  });

  it('takes only the types and queues it was given', async () => {
    await startAgent({ types: ['sleep'], queues: ['q1', 'q2'] });
    const elsewhere = await enqueue(foreman.client, { type: 'sleep', queue: 'q3', payload: { ms: 1 } });
    const mine = await enqueue(foreman.client, { type: 'sleep', queue: 'q1', payload: { ms: 1 } });

    await statusIs(mine.id, 'completed');
    expect(tap.sent(/^\/next-job$/)[0]!.body).toMatchObject({ types: ['sleep'], queues: ['q1', 'q2'] });
    expect((await getJob(foreman.client, elsewhere.id)).status).toBe('pending');
  });

  it('does not poll while every slot is busy, asks only for free slots, and polls again once one frees', async () => {
    let release!: () => void;
    const held = defineJob({ type: 'held', handler: () => new Promise<void>((resolve) => (release = resolve)) });
    const { agent } = await startAgent({ concurrency: 1, handlers: [held] });
    const job = await enqueue(foreman.client, { type: 'held' });
    await waitFor('the job to start', () => agent.running === 1 && release !== undefined);
    const pollsWhileFull = leaseRequests();
    await sleep(300);
    expect(leaseRequests()).toBe(pollsWhileFull);

    release();
    await statusIs(job.id, 'completed');
    await waitFor('a new poll', () => leaseRequests() > pollsWhileFull);
    const asked = [...tap.sent(/^\/next-job$/).map((exchange) => exchange.body!.max), ...tap.sent(/^\/reports$/).map((exchange) => (exchange.body!.lease as { max: number }).max)];
    expect(asked.every((max) => max === 1)).toBe(true);
  });
});

describe('heartbeats', () => {
  it('beat about every lease_ms / 3 with worker id, version and progress, keeping the lease past lease_ms', async () => {
    const working = defineJob({
      type: 'working',
      handler: async (_payload, ctx) => {
        ctx.progress(1, 4, 'a quarter');
        await sleep(1200);
      },
    });
    const { agent } = await startAgent({ handlers: [working] });
    const job = await enqueue(foreman.client, { type: 'working', lease_ms: 600 });

    expect(await statusIs(job.id, 'completed', 'failed')).toMatchObject({ status: 'completed', attempt: 1 });
    const beats = heartbeatsOf(job.id);
    // ~6 expected at 200 ms over 1,200 ms; the bounds only catch "none" and "a flood".
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.length).toBeLessThanOrEqual(15);
    for (const beat of beats) expect(beat.version).toBe(2);
    for (const batch of tap.sent(heartbeatPath)) expect(batch.body!.worker_id).toBe(agent.workerId);
    expect(tap.heartbeatAnswers(job.id).every((status) => status === 200)).toBe(true);
    expect(beats[0]!.progress).toEqual({ current: 1, total: 4, message: 'a quarter' });
    // Progress already delivered is not resent.
    expect(beats.at(-1)!.progress).toBeUndefined();
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'progress', 'completed']);
  });

  it('delivers the progress of a job that ends between heartbeats before reporting it', async () => {
    const quick = defineJob({
      type: 'quick',
      handler: (_payload, ctx) => {
        ctx.progress(2, 2, 'all done');
        return 'ok';
      },
    });
    await startAgent({ handlers: [quick] });
    const job = await enqueue(foreman.client, { type: 'quick' });

    expect(await statusIs(job.id, 'completed')).toMatchObject({ result: 'ok', progress: { current: 2, total: 2, message: 'all done' } });
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'progress', 'completed']);
    expect(heartbeatsOf(job.id)).toEqual([{ id: job.id, version: 2, progress: { current: 2, total: 2, message: 'all done' } }]);
  });

  it('keeps every job it holds alive with one request per round of heartbeats', async () => {
    const slow = defineJob({ type: 'slow', handler: () => sleep(1000) });
    await startAgent({ concurrency: 4, prefetch: 4, handlers: [slow] });
    await sleep(100);
    const jobs = [];
    for (let i = 0; i < 8; i++) jobs.push(await enqueue(foreman.client, { type: 'slow', lease_ms: 600 }));
    for (const job of jobs) expect(await statusIs(job.id, 'completed', 'failed')).toMatchObject({ status: 'completed', attempt: 1 });

    expect(tap.sent(/^\/jobs\/[^/]+\/heartbeat$/)).toEqual([]);
    const batches = tap.sent(heartbeatPath);
    const items = batches.reduce((sum, batch) => sum + (batch.body!.heartbeats as unknown[]).length, 0);
    // Eight jobs held for 1–2 s at a beat every 200 ms: dozens of heartbeats, in a few requests each round.
    expect(items).toBeGreaterThanOrEqual(8 * 5);
    expect(batches.length).toBeLessThanOrEqual(items / 3);
    expect(Math.max(...batches.map((batch) => (batch.body!.heartbeats as unknown[]).length))).toBeGreaterThanOrEqual(4);
  });

  // 404 from a scheduler older than the endpoint; 403 from one with tokens, where an unknown route needs admin.
  it.each([404, 403])('heartbeats job by job a scheduler that answers POST /heartbeats %i', async (status) => {
    tap.fail(heartbeatPath, Infinity, status);
    const working = defineJob({ type: 'working', handler: () => sleep(900, 'done') });
    await startAgent({ handlers: [working] });
    const job = await enqueue(foreman.client, { type: 'working', lease_ms: 450 });

    expect(await statusIs(job.id, 'completed', 'failed')).toMatchObject({ status: 'completed', attempt: 1 });
    expect(tap.sent(heartbeatPath)).toHaveLength(1);
    const single = tap.sent(new RegExp(`^/jobs/${job.id}/heartbeat$`));
    expect(single.length).toBeGreaterThanOrEqual(3);
    expect(single.every((exchange) => exchange.status === 200)).toBe(true);
  });

  it('sends a round over the scheduler\'s body limit again in halves', async () => {
    await foreman.close();
    foreman = await startTestScheduler(['--sweep-interval-ms', '50', '--max-body-bytes', '4096']);
    const chatty = defineJob({
      type: 'chatty',
      handler: async (_payload, ctx) => {
        ctx.progress(1, 2, 'x'.repeat(1000));
        await sleep(1200);
      },
    });
    await startAgent({ concurrency: 8, handlers: [chatty] });
    await sleep(100);
    const jobs = await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: 8 }, () => ({ type: 'chatty', lease_ms: 600 })) } });

    for (const job of jobs.data!.jobs) expect(await statusIs(job.id, 'completed', 'failed')).toMatchObject({ status: 'completed', attempt: 1 });
    const rounds = tap.sent(heartbeatPath);
    expect(rounds.some((round) => round.status === 413)).toBe(true);
    // Every job's progress got through in a smaller request, and each lease outlived lease_ms.
    for (const job of jobs.data!.jobs) expect(heartbeatsOf(job.id).some((beat) => beat.progress !== undefined)).toBe(true);
    for (const job of jobs.data!.jobs) expect(tap.heartbeatAnswers(job.id)).toContain(200);
    expect(await eventTypes(foreman.client, jobs.data!.jobs[0]!.id)).toEqual(['enqueued', 'leased', 'progress', 'completed']);
  });

  it('on 409 (the lease expired and another worker holds the job) aborts the handler, reports nothing and frees the slot', async () => {
    const aborted: AbortSignal[] = [];
    const { agent, records } = await startAgent({ concurrency: 1, handlers: [untilAborted(aborted)] });
    const job = await enqueue(foreman.client, { type: 'wait', lease_ms: 300, max_attempts: 2, backoff: { strategy: 'fixed', base_ms: 0 } });
    const restoreHeartbeats = await loseLease(job.id, agent.workerId);
    restoreHeartbeats();

    await waitFor('the abort', () => aborted.length === 1);
    await waitFor('the slot to free', () => agent.running === 0);
    await sleep(300);
    expect(tap.heartbeatAnswers(job.id).at(-1)).toBe(409);
    expect(tap.reportAnswers(job.id)).toEqual([]);
    expect(records.some((record) => record.job_id === job.id && record.code === 'lease_lost')).toBe(true);
    expect(await getJob(foreman.client, job.id)).toMatchObject({ attempt: 2, worker_id: 'usurper' });
  });

  it("on 403 (the lease is another worker's) aborts the handler as lost", async () => {
    const aborted: AbortSignal[] = [];
    // Heartbeats arrive in another worker's name, which the scheduler refuses with 403.
    tap.rewrite(heartbeatPath, (body) => ({ ...body, worker_id: 'someone-else' }));
    const { agent, records } = await startAgent({ handlers: [untilAborted(aborted)] });
    const job = await enqueue(foreman.client, { type: 'wait', lease_ms: 600 });

    await waitFor('the abort', () => aborted.length === 1);
    await waitFor('the slot to free', () => agent.running === 0);
    expect(tap.heartbeatAnswers(job.id)[0]).toBe(403);
    expect(records.some((record) => record.job_id === job.id && record.code === 'lease_lost')).toBe(true);
  });
});

describe('timeouts', () => {
  it('reports a timeout at once but keeps the slot busy until a handler that ignores the abort settles', async () => {
    let settled = false;
    const stubborn = defineJob({
      type: 'stubborn',
      handler: async () => {
        await sleep(700);
        settled = true;
        return 'late';
      },
    });
    const { agent } = await startAgent({ concurrency: 1, handlers: [stubborn] });
    const job = await enqueue(foreman.client, { type: 'stubborn', timeout_ms: 150, max_attempts: 1 });

    expect(await statusIs(job.id, 'failed')).toMatchObject({ error: { code: 'timeout', retryable: true } });
    await sleep(200);
    expect(settled).toBe(false);
    expect(agent.running).toBe(1);
    await waitFor('the handler to settle and free its slot', () => settled && agent.running === 0);
    expect(tap.reportAnswers(job.id)).toEqual([200]);
  });
});

describe('reports', () => {
  it('retries a report answered 503 until it is accepted', async () => {
    await startAgent({ handlers: [defineJob({ type: 'echo', handler: () => 'ok' })] });
    tap.fail(/^\/reports$|\/complete$/, 2);
    const job = await enqueue(foreman.client, { type: 'echo' });

    expect(await statusIs(job.id, 'completed')).toMatchObject({ result: 'ok' });
    expect(tap.reportAnswers(job.id)).toEqual([503, 503, 200]);
  });

  it('asks a scheduler that refuses return_jobs again without it, and from then on', async () => {
    const { agent } = await startAgent({ concurrency: 1, handlers: [defineJob({ type: 'echo', handler: () => 'ok' })] });
    tap.refuseField(/^\/reports$/, 'return_jobs');
    const first = await enqueue(foreman.client, { type: 'echo' });
    await statusIs(first.id, 'completed');
    const second = await enqueue(foreman.client, { type: 'echo' });
    await statusIs(second.id, 'completed');

    const batches = tap.sent(/^\/reports$/).map((exchange) => ({
      ids: (exchange.body!.reports as Array<{ id: string }>).map((report) => report.id),
      returnJobs: 'return_jobs' in exchange.body!,
      status: exchange.status,
    }));
    expect(batches).toEqual([
      { ids: [first.id], returnJobs: true, status: 400 },
      { ids: [first.id], returnJobs: false, status: 200 },
      { ids: [second.id], returnJobs: false, status: 200 },
    ]);
    expect(tap.sent(/\/complete$/)).toEqual([]);
    expect(await getJob(foreman.client, first.id)).toMatchObject({ worker_id: agent.workerId, result: 'ok', attempt: 1 });
  });

  it('drops a report answered 409 with a warning and never retries it', async () => {
    let finish!: () => void;
    const outlived = defineJob({ type: 'wait', handler: () => new Promise<void>((resolve) => (finish = resolve)) });
    const { agent, records } = await startAgent({ concurrency: 1, handlers: [outlived] });
    const job = await enqueue(foreman.client, { type: 'wait', lease_ms: 300, max_attempts: 2, backoff: { strategy: 'fixed', base_ms: 0 } });
    await loseLease(job.id, agent.workerId);
    finish();

    await waitFor('the report', () => tap.reportAnswers(job.id).length > 0);
    await sleep(400);
    expect(tap.reportAnswers(job.id)).toEqual([409]);
    expect(records).toContainEqual(expect.objectContaining({ level: 40, job_id: job.id, msg: 'report refused; dropping it' }));
    expect(await getJob(foreman.client, job.id)).toMatchObject({ attempt: 2, worker_id: 'usurper' });
    expect(await eventTypes(foreman.client, job.id)).not.toContain('completed');
  });

  it('reports invalid payloads, JobErrors, other errors and unserialisable results as failures', async () => {
    let called = false;
    const handlers = [
      defineJob({
        type: 'typed',
        schema: z.object({ n: z.number() }),
        handler: ({ n }) => {
          called = true;
          return n;
        },
      }),
      defineJob({
        type: 'refuses',
        handler: () => {
          throw new JobError('no such customer', { code: 'customer_missing', retryable: false });
        },
      }),
      defineJob({
        type: 'crashes',
        handler: async () => {
          throw new Error('boom');
        },
      }),
      defineJob({ type: 'bigint', handler: () => 1n }),
    ];
    await startAgent({ handlers });
    const once = { max_attempts: 1 };
    const typed = await enqueue(foreman.client, { type: 'typed', payload: { n: 'seven' }, ...once });
    const refuses = await enqueue(foreman.client, { type: 'refuses', ...once });
    const crashes = await enqueue(foreman.client, { type: 'crashes', ...once });
    const bigint = await enqueue(foreman.client, { type: 'bigint', ...once });

    const typedError = (await statusIs(typed.id, 'failed')).error!;
    expect(typedError).toMatchObject({ code: 'invalid_payload', retryable: false });
    expect(typedError.message).toContain('n');
    expect(called).toBe(false);
    expect((await statusIs(refuses.id, 'failed')).error).toEqual({ message: 'no such customer', code: 'customer_missing', retryable: false });
    expect((await statusIs(crashes.id, 'failed')).error).toEqual({ message: 'boom', code: 'handler_error', retryable: true });
    expect((await statusIs(bigint.id, 'failed')).error).toMatchObject({ code: 'invalid_result', retryable: false });
  });
});

describe('outages', () => {
  it('logs an unreachable scheduler once, and once when it is back', async () => {
    tap.down = true;
    const { records } = await startAgent({});
    await waitFor('several failed polls', () => tap.exchanges.length >= 4);
    tap.down = false;
    await waitFor('recovery', () => records.some((record) => record.msg === 'scheduler reachable again'));

    expect(records.filter((record) => record.msg === 'scheduler unreachable; retrying with backoff')).toHaveLength(1);
    expect(records.filter((record) => record.msg === 'scheduler reachable again')).toHaveLength(1);
  });
});

describe('stop', () => {
  it('lets jobs finish within the grace period, hands the rest back as shutdown, and stops polling', async () => {
    const quick = defineJob({ type: 'quick', handler: () => sleep(50, 'done') });
    const { agent } = await startAgent({ concurrency: 2, shutdownGraceMs: 300, handlers: [quick, untilAborted()] });
    const done = await enqueue(foreman.client, { type: 'quick' });
    const cut = await enqueue(foreman.client, { type: 'wait', max_attempts: 1 });
    await waitFor('both running', () => agent.running === 2);
    await agent.stop();

    expect(await getJob(foreman.client, done.id)).toMatchObject({ status: 'completed', result: 'done' });
    // The cut attempt uses none of the job's attempts: it is runnable again at once.
    expect(await getJob(foreman.client, cut.id)).toMatchObject({ status: 'pending', attempt: 0, error: { code: 'shutdown', retryable: true } });
    const sent = tap.exchanges.length;
    await enqueue(foreman.client, { type: 'quick' });
    await sleep(200);
    expect(tap.exchanges.length).toBe(sent);
  });

  it('asked to drain through its waiting poll, finishes its jobs past the grace period, reports them and stops polling', async () => {
    const slow = defineJob({ type: 'slow', handler: () => sleep(600, 'finished') });
    const { agent, records } = await startAgent({ concurrency: 2, shutdownGraceMs: 100, handlers: [slow] });
    const running = await enqueue(foreman.client, { type: 'slow' });
    await waitFor('running', () => agent.running === 1);
    await waitFor('a poll waiting', () => tap.sent(/^\/next-job$/).some((exchange) => exchange.status === undefined));
    expect((await foreman.client.POST('/workers/{id}/drain', { params: { path: { id: agent.workerId } } })).response.status).toBe(200);
    const left = await enqueue(foreman.client, { type: 'slow' });

    await agent.drained;
    expect(await getJob(foreman.client, running.id)).toMatchObject({ status: 'completed', result: 'finished' });
    expect((await getJob(foreman.client, left.id)).status).toBe('pending');
    expect(records.some((record) => record.msg === 'the scheduler asked this agent to drain')).toBe(true);
    const polls = leaseRequests();
    await sleep(200);
    expect(leaseRequests()).toBe(polls);
  });

  it('asked to drain through a heartbeat while every slot is busy', async () => {
    const slow = defineJob({ type: 'slow', handler: () => sleep(800, 'finished') });
    const { agent } = await startAgent({ concurrency: 1, handlers: [slow] });
    const running = await enqueue(foreman.client, { type: 'slow', lease_ms: 400 });
    await waitFor('running', () => agent.running === 1);
    await foreman.client.POST('/workers/{id}/drain', { params: { path: { id: agent.workerId } } });

    await agent.drained;
    expect(tap.sent(heartbeatPath).some((exchange) => (exchange.response as { drain?: boolean } | undefined)?.drain)).toBe(true);
    expect(await getJob(foreman.client, running.id)).toMatchObject({ status: 'completed', result: 'finished' });
  });
});

describe('handlers', () => {
  it('lets a user definition replace a built-in', async () => {
    await startAgent({ handlers: [defineJob({ type: 'sleep', handler: () => 'mine' })] });
    const job = await enqueue(foreman.client, { type: 'sleep', payload: { ms: 1 } });
    expect(await statusIs(job.id, 'completed')).toMatchObject({ result: 'mine' });
  });
});
