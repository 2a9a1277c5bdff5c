import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, type Agent } from './agent.js';
import { ConfigError, type AgentOptions } from './config.js';
import { defineJob } from './define-job.js';
import { JobError } from './job-error.js';
import { memoryLogger, startFakeScheduler, waitFor, type FakeScheduler } from './test-support/fake-scheduler.js';

let fake: FakeScheduler;
let agents: Agent[] = [];

beforeEach(async () => {
  fake = await startFakeScheduler();
});
afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await fake.close();
});

async function startAgent(options: AgentOptions) {
  const { logger, records } = memoryLogger();
  const agent = createAgent({ url: fake.url, logger, waitMs: 1_000, shutdownGraceMs: 500, ...options });
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

const reportsOf = (id: string) => fake.reports.filter((report) => report.id === id);

describe('leasing', () => {
  it('asks for its handler types with worker id, wait and agent info, and reports JSON results', async () => {
    const { agent } = await startAgent({
      concurrency: 4,
      handlers: [
        defineJob({ type: 'echo', handler: (payload) => payload }),
        defineJob({ type: 'nothing', handler: () => undefined }),
      ],
    });
    const echo = fake.enqueue({ type: 'echo', payload: { a: [1, 'two'] } });
    const nothing = fake.enqueue({ type: 'nothing' });
    await waitFor('both reports', () => !!fake.accepted(echo.id) && !!fake.accepted(nothing.id));

    expect(fake.accepted(echo.id)).toEqual({ worker_id: agent.workerId, version: 2, status: 'completed', result: { a: [1, 'two'] } });
    expect(fake.accepted(nothing.id)).toMatchObject({ status: 'completed', result: null });
    const lease = fake.leases[0]!.body;
    expect(lease).toMatchObject({ worker_id: agent.workerId, wait_ms: 1_000, agent: { version: '0.1.0', concurrency: 4 } });
    expect([...(lease.types ?? [])].sort()).toEqual(['echo', 'http', 'nothing', 'sleep']);
    expect(lease).not.toHaveProperty('queues');
    expect(lease.max).toBe(4);
  });

  it('passes the types and queues it was given', async () => {
    await startAgent({ types: ['sleep'], queues: ['q1', 'q2'] });
    await waitFor('a lease request', () => fake.leases.length > 0);
    expect(fake.leases[0]!.body).toMatchObject({ types: ['sleep'], queues: ['q1', 'q2'] });
  });

  it('never runs more than concurrency jobs and asks only for free slots', async () => {
    let inHandler = 0;
    let mostInHandler = 0;
    const slow = defineJob({
      type: 'slow',
      handler: async () => {
        mostInHandler = Math.max(mostInHandler, ++inHandler);
        await sleep(40);
        inHandler--;
      },
    });
    await startAgent({ concurrency: 3, handlers: [slow] });
    const jobs = Array.from({ length: 12 }, () => fake.enqueue({ type: 'slow' }));
    await waitFor('all reports', () => jobs.every((job) => fake.accepted(job.id)));

    expect(fake.maxRunning).toBeLessThanOrEqual(3);
    expect(mostInHandler).toBeLessThanOrEqual(3);
    expect(mostInHandler).toBeGreaterThan(1);
    const asked = fake.leases.map(({ body }) => body.max ?? 1);
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...asked)).toBeLessThanOrEqual(3);
  });

  it('does not poll while every slot is busy, and polls again once one frees', async () => {
    let release!: () => void;
    const held = defineJob({ type: 'held', handler: () => new Promise<void>((resolve) => (release = resolve)) });
    const { agent } = await startAgent({ concurrency: 1, handlers: [held] });
    const job = fake.enqueue({ type: 'held' });
    await waitFor('the job to start', () => agent.running === 1 && release !== undefined);
    const leasesWhileFull = fake.leases.length;
    await sleep(300);
    expect(fake.leases.length).toBe(leasesWhileFull);

    release();
    await waitFor('the report', () => !!fake.accepted(job.id));
    await waitFor('a new poll', () => fake.leases.length > leasesWhileFull);
  });

  it('an idle agent picks up a new job well within its long-poll wait', async () => {
    await startAgent({ waitMs: 20_000, handlers: [defineJob({ type: 'echo', handler: (payload) => payload })] });
    await waitFor('a pending long poll', () => fake.leases.length > 0);
    await sleep(100);
    const enqueuedAt = Date.now();
    const job = fake.enqueue({ type: 'echo' });
    await waitFor('the report', () => !!fake.accepted(job.id));
    expect(reportsOf(job.id)[0]!.at - enqueuedAt).toBeLessThan(2_000);
  });
});

describe('heartbeats', () => {
  it('beat about every lease_ms / 3 with worker id, version and progress', async () => {
    const working = defineJob({
      type: 'working',
      handler: async (_payload, ctx) => {
        ctx.progress(1, 4, 'a quarter');
        await sleep(700);
      },
    });
    await startAgent({ handlers: [working] });
    const job = fake.enqueue({ type: 'working', lease_ms: 300 });
    await waitFor('the report', () => !!fake.accepted(job.id));

    const beats = fake.heartbeats.filter((beat) => beat.id === job.id);
    // ~6 expected at 100 ms over 700 ms; the bounds only catch "none" and "a flood".
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.length).toBeLessThanOrEqual(15);
    for (const { body } of beats) expect(body).toMatchObject({ worker_id: expect.any(String), version: 2 });
    expect(beats[0]!.body.progress).toEqual({ current: 1, total: 4, message: 'a quarter' });
    // Progress already delivered is not resent.
    expect(beats.at(-1)!.body.progress).toBeUndefined();
  });

  it('aborts a cancelled job and reports it failed with code cancelled, not retryable', async () => {
    const aborted: AbortSignal[] = [];
    await startAgent({ handlers: [untilAborted(aborted)] });
    const job = fake.enqueue({ type: 'wait', lease_ms: 150 });
    await waitFor('the lease', () => fake.running() === 1);
    fake.cancel(job.id);
    await waitFor('the report', () => !!fake.accepted(job.id));

    expect(fake.accepted(job.id)).toMatchObject({ status: 'failed', error: { code: 'cancelled', retryable: false } });
    expect(aborted).toHaveLength(1);
  });

  it('on 409 aborts the handler, reports nothing and frees the slot', async () => {
    const aborted: AbortSignal[] = [];
    const { agent, records } = await startAgent({ handlers: [untilAborted(aborted)] });
    const job = fake.enqueue({ type: 'wait', lease_ms: 150 });
    await waitFor('the lease', () => fake.running() === 1);
    fake.loseLease(job.id);
    await waitFor('the abort', () => aborted.length === 1);
    await waitFor('the slot to free', () => agent.running === 0);
    await sleep(300);

    expect(reportsOf(job.id)).toEqual([]);
    expect(records.some((record) => record.job_id === job.id && record.code === 'lease_lost')).toBe(true);
  });

  it('on 403 (the lease is another worker\'s) aborts the handler as lost', async () => {
    const aborted: AbortSignal[] = [];
    const { agent, records } = await startAgent({ handlers: [untilAborted(aborted)] });
    const job = fake.enqueue({ type: 'wait', lease_ms: 150 });
    await waitFor('the lease', () => fake.running() === 1);
    fake.leaseToAnother(job.id);
    await waitFor('the abort', () => aborted.length === 1);
    await waitFor('the slot to free', () => agent.running === 0);
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
    const job = fake.enqueue({ type: 'stubborn', timeout_ms: 150 });
    await waitFor('the report', () => !!fake.accepted(job.id));

    expect(fake.accepted(job.id)).toMatchObject({ status: 'failed', error: { code: 'timeout', retryable: true } });
    await sleep(200);
    expect(settled).toBe(false);
    expect(agent.running).toBe(1);
    await waitFor('the handler to settle and free its slot', () => settled && agent.running === 0);
    expect(reportsOf(job.id)).toHaveLength(1);
  });
});

describe('reports', () => {
  it('retries a report answered 503 until it is accepted', async () => {
    await startAgent({ handlers: [defineJob({ type: 'echo', handler: () => 'ok' })] });
    fake.failReports(2);
    const job = fake.enqueue({ type: 'echo' });
    await waitFor('the report', () => !!fake.accepted(job.id));
    expect(reportsOf(job.id).map((report) => report.answered)).toEqual([503, 503, 200]);
  });

  it('drops a report answered 409 with a warning and never retries it', async () => {
    const superseded = defineJob({ type: 'superseded', handler: (_payload, ctx) => fake.loseLease(ctx.jobId) });
    const { records } = await startAgent({ handlers: [superseded] });
    const job = fake.enqueue({ type: 'superseded' });
    await waitFor('the report', () => reportsOf(job.id).length > 0);
    await sleep(400);

    expect(reportsOf(job.id).map((report) => report.answered)).toEqual([409]);
    expect(records).toContainEqual(expect.objectContaining({ level: 40, job_id: job.id, msg: 'report refused; dropping it' }));
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
    const typed = fake.enqueue({ type: 'typed', payload: { n: 'seven' } });
    const refuses = fake.enqueue({ type: 'refuses' });
    const crashes = fake.enqueue({ type: 'crashes' });
    const bigint = fake.enqueue({ type: 'bigint' });
    await waitFor('all reports', () => [typed, refuses, crashes, bigint].every((job) => fake.accepted(job.id)));

    expect(fake.accepted(typed.id)?.error).toMatchObject({ code: 'invalid_payload', retryable: false });
    expect(fake.accepted(typed.id)?.error?.message).toContain('n');
    expect(called).toBe(false);
    expect(fake.accepted(refuses.id)?.error).toEqual({ message: 'no such customer', code: 'customer_missing', retryable: false });
    expect(fake.accepted(crashes.id)?.error).toEqual({ message: 'boom', code: 'handler_error', retryable: true });
    expect(fake.accepted(bigint.id)?.error).toMatchObject({ code: 'invalid_result', retryable: false });
  });
});

describe('context', () => {
  it('enqueues child jobs with parent_id set to the running job', async () => {
    const parent = defineJob({
      type: 'parent',
      handler: async (_payload, ctx) => (await ctx.enqueue({ type: 'child', payload: { n: 1 } })).id,
    });
    await startAgent({ handlers: [parent] });
    const job = fake.enqueue({ type: 'parent' });
    await waitFor('the report', () => !!fake.accepted(job.id));

    expect(fake.created).toEqual([{ type: 'child', payload: { n: 1 }, parent_id: job.id }]);
    expect(fake.accepted(job.id)?.result).toEqual(expect.stringMatching(/^job-/));
  });
});

describe('outages', () => {
  it('logs an unreachable scheduler once, and once when it is back', async () => {
    fake.down = true;
    const { records } = await startAgent({});
    await waitFor('several failed polls', () => fake.hits >= 4);
    fake.down = false;
    await waitFor('recovery', () => records.some((record) => record.msg === 'scheduler reachable again'));

    expect(records.filter((record) => record.msg === 'scheduler unreachable; retrying with backoff')).toHaveLength(1);
    expect(records.filter((record) => record.msg === 'scheduler reachable again')).toHaveLength(1);
  });
});

describe('stop', () => {
  it('lets jobs finish within the grace period, reports the rest as shutdown, and stops polling', async () => {
    const quick = defineJob({ type: 'quick', handler: () => sleep(50, 'done') });
    const { agent } = await startAgent({ shutdownGraceMs: 300, handlers: [quick, untilAborted()] });
    const done = fake.enqueue({ type: 'quick' });
    const cut = fake.enqueue({ type: 'wait' });
    await waitFor('both running', () => agent.running === 2);
    await agent.stop();

    expect(fake.accepted(done.id)).toMatchObject({ status: 'completed', result: 'done' });
    expect(fake.accepted(cut.id)).toMatchObject({ status: 'failed', error: { code: 'shutdown', retryable: true } });
    const polls = fake.leases.length;
    fake.enqueue({ type: 'quick' });
    await sleep(200);
    expect(fake.leases.length).toBe(polls);
  });

  it('asked to drain through its waiting poll, finishes its jobs past the grace period, reports them and stops polling', async () => {
    const slow = defineJob({ type: 'slow', handler: () => sleep(600, 'finished') });
    const { agent, records } = await startAgent({ concurrency: 2, shutdownGraceMs: 100, handlers: [slow] });
    const running = fake.enqueue({ type: 'slow' });
    await waitFor('running', () => agent.running === 1);
    await waitFor('a poll waiting', () => fake.leases.length >= 2);
    fake.drain();
    const left = fake.enqueue({ type: 'slow' });

    await agent.drained;
    expect(fake.accepted(running.id)).toMatchObject({ status: 'completed', result: 'finished' });
    expect(fake.accepted(left.id)).toBeUndefined();
    expect(records.some((record) => record.msg === 'the scheduler asked this agent to drain')).toBe(true);
    const polls = fake.leases.length;
    await sleep(200);
    expect(fake.leases.length).toBe(polls);
  });

  it('asked to drain through a heartbeat while every slot is busy', async () => {
    const slow = defineJob({ type: 'slow', handler: () => sleep(500, 'finished') });
    const { agent } = await startAgent({ concurrency: 1, handlers: [slow] });
    const running = fake.enqueue({ type: 'slow', lease_ms: 150 });
    await waitFor('running', () => agent.running === 1);
    fake.drain();
    await agent.drained;
    expect(fake.heartbeats.length).toBeGreaterThan(0);
    expect(fake.accepted(running.id)).toMatchObject({ status: 'completed' });
  });
});

describe('configuration', () => {
  it('refuses types it has no handler for and duplicate handlers', () => {
    expect(() => createAgent({ types: ['nope'] })).toThrow(ConfigError);
    const twice = defineJob({ type: 'twice', handler: () => null });
    expect(() => createAgent({ handlers: [twice, twice] })).toThrow(/more than one handler for type twice/);
  });

  it('lets a user definition replace a built-in', async () => {
    const mine = defineJob({ type: 'sleep', handler: () => 'mine' });
    await startAgent({ handlers: [mine] });
    const job = fake.enqueue({ type: 'sleep', payload: { ms: 1 } });
    await waitFor('the report', () => !!fake.accepted(job.id));
    expect(fake.accepted(job.id)?.result).toBe('mine');
  });
});
