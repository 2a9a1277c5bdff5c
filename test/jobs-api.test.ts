// Enqueueing, reading, listing, cancelling and retrying jobs through the HTTP API.
import type { Job } from '@foreman/client';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { complete, enqueue, eventTypes, eventually, fail, getJob, leaseJobs, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
});
afterEach(() => foreman.close());
afterAll(() => expect(contractViolations).toEqual([]));

describe('enqueue', () => {
  it('stores a job with every default and returns 201', async () => {
    const job = await enqueue(foreman.client, { type: 'email.send', payload: { to: 'ada@example.com' } });
    expect(job).toMatchObject({
      type: 'email.send',
      queue: 'default',
      payload: { to: 'ada@example.com' },
      priority: 0,
      status: 'pending',
      attempt: 0,
      max_attempts: 3,
      backoff: { strategy: 'exponential', base_ms: 1000, max_ms: 3_600_000, jitter: true },
      timeout_ms: 300_000,
      lease_ms: 30_000,
      version: 1,
      worker_id: null,
      cancel_requested: false,
    });
    expect(job.run_at).toBe(job.created_at);
    expect(job.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await getJob(foreman.client, job.id)).toEqual(job);
  });

  it('defaults the payload to {} and gives time-sortable ids', async () => {
    const first = await enqueue(foreman.client, { type: 'a' });
    const second = await enqueue(foreman.client, { type: 'a' });
    expect(first.payload).toEqual({});
    expect(second.id > first.id).toBe(true);
  });

  it('returns the existing job with 200 for a repeated idempotency key and creates nothing', async () => {
    const first = await enqueue(foreman.client, { type: 'charge', payload: { cents: 100 }, idempotency_key: 'order-17' });
    const { data, response } = await foreman.client.POST('/jobs', { body: { type: 'charge', payload: { cents: 999 }, idempotency_key: 'order-17' } });
    expect(response.status).toBe(200);
    expect(data).toEqual(first);
    const { data: page } = await foreman.client.GET('/jobs', { params: { query: { type: 'charge' } } });
    expect(page!.jobs).toHaveLength(1);
  });

  it('stores a whole batch or nothing, naming the bad element by index', async () => {
    const { error, response } = await foreman.client.POST('/jobs/batch', {
      body: { jobs: [{ type: 'ok' }, { type: 'ok' }, { type: 'not ok!' }] },
    });
    expect(response.status).toBe(400);
    expect(error!.errors).toEqual([expect.objectContaining({ path: '/jobs/2/type' })]);
    const { data: empty } = await foreman.client.GET('/jobs');
    expect(empty!.jobs).toEqual([]);

    const { data, response: created } = await foreman.client.POST('/jobs/batch', { body: { jobs: [{ type: 'a' }, { type: 'b', priority: 5 }] } });
    expect(created.status).toBe(201);
    expect(data!.jobs.map((job) => job.type)).toEqual(['a', 'b']);
    expect(data!.ids).toEqual(data!.jobs.map((job) => job.id));
  });

  it('answers a batch with only its ids when asked not to return the jobs', async () => {
    const existing = await enqueue(foreman.client, { type: 'once', idempotency_key: 'k-1' });
    const { data, response } = await foreman.client.POST('/jobs/batch', {
      body: { jobs: [{ type: 'a' }, { type: 'once', idempotency_key: 'k-1' }, { type: 'b', payload: { n: 2 } }], return_jobs: false },
    });
    expect(response.status).toBe(201);
    expect(data!.jobs).toEqual([]);
    expect(data!.ids).toHaveLength(3);
    expect(data!.ids[1]).toBe(existing.id);
    const stored = await Promise.all(data!.ids.map(async (id) => (await foreman.client.GET('/jobs/{id}', { params: { path: { id } } })).data!));
    expect(stored.map((job) => [job.type, job.status, job.payload])).toEqual([
      ['a', 'pending', {}],
      ['once', 'pending', {}],
      ['b', 'pending', { n: 2 }],
    ]);
  });

  it('refuses a parent_id that names no job, and links children to their parent', async () => {
    const { error, response } = await foreman.client.POST('/jobs/batch', { body: { jobs: [{ type: 'a' }, { type: 'b', parent_id: 'nope' }] } });
    expect(response.status).toBe(400);
    expect(error!.errors).toEqual([{ path: '/jobs/1/parent_id', message: 'names no existing job' }]);
    const parent = await enqueue(foreman.client, { type: 'parent' });
    const child = await enqueue(foreman.client, { type: 'child', parent_id: parent.id });
    const { data } = await foreman.client.GET('/jobs', { params: { query: { parent_id: parent.id } } });
    expect(data!.jobs.map((job) => job.id)).toEqual([child.id]);
  });
});

describe('leasing order and timing', () => {
  it('leases higher priority first, then in enqueue order', async () => {
    const low = await enqueue(foreman.client, { type: 't', priority: -5 });
    const first = await enqueue(foreman.client, { type: 't' });
    const urgent = await enqueue(foreman.client, { type: 't', priority: 10 });
    const second = await enqueue(foreman.client, { type: 't' });
    const leased = await leaseJobs(foreman.client, 'w', { max: 10 });
    expect(leased.map((job) => job.id)).toEqual([urgent.id, first.id, second.id, low.id]);
  });

  it('reads run_at in any RFC 3339 form: an offset, a fraction, lower-case t and z', async () => {
    const forms = ['2031-05-06T07:08:09.5+02:00', '2031-05-06t05:08:09.500z', '2031-05-06T05:08:09.5Z'];
    for (const run_at of forms) {
      const job = await enqueue(foreman.client, { type: 'at', run_at });
      expect(job).toMatchObject({ status: 'pending', run_at: '2031-05-06T05:08:09.500Z' });
    }
  });

  it('takes a run_at in the past as now, so a backdated job neither jumps the queue nor ages it', async () => {
    const first = await enqueue(foreman.client, { type: 'backdated', queue: 'aged' });
    const backdated = await enqueue(foreman.client, { type: 'backdated', queue: 'aged', run_at: '2020-01-01T00:00:00Z' });
    expect(backdated.run_at).toBe(backdated.created_at);
    const { data: stats } = await foreman.client.GET('/stats');
    expect(stats!.queues.aged!.oldest_runnable_age_ms).toBeLessThan(60_000);
    expect((await leaseJobs(foreman.client, 'w', { types: ['backdated'], max: 2 })).map((job) => job.id)).toEqual([first.id, backdated.id]);
  });

  it('does not lease a delayed job before its run_at, and leases it once due', async () => {
    const job = await enqueue(foreman.client, { type: 'later', delay_ms: 400 });
    expect(await leaseJobs(foreman.client, 'w')).toEqual([]);
    const leased = await leaseOne(foreman.client, 'w', { wait_ms: 5000 });
    expect(leased.id).toBe(job.id);
    expect(Date.parse(leased.started_at!)).toBeGreaterThanOrEqual(Date.parse(job.run_at));
    expect(Date.parse(job.run_at) - Date.parse(job.created_at)).toBe(400);
  });

  it('answers a waiting long poll as soon as a matching job is enqueued', async () => {
    const waiting = leaseJobs(foreman.client, 'w', { wait_ms: 20_000, types: ['wanted'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await enqueue(foreman.client, { type: 'unwanted' });
    const started = performance.now();
    const job = await enqueue(foreman.client, { type: 'wanted' });
    const leased = await waiting;
    expect(leased.map((j) => j.id)).toEqual([job.id]);
    // Loose bound: the answer comes from the wake-up, not from the 20 s wait running out.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('hands a job to a waiting poller in the enqueue\'s own commit, and tells the producer so', async () => {
    const waiting = leaseJobs(foreman.client, 'waiter', { wait_ms: 20_000 });
    await eventually(async () => foreman.scheduler.service.waiters.waiting, (count) => count === 1);
    const { data: enqueued, response } = await foreman.client.POST('/jobs', { body: { type: 't' } });
    expect(response.status).toBe(201);
    expect(enqueued).toMatchObject({ status: 'running', attempt: 1, version: 2, worker_id: 'waiter' });
    expect(await waiting).toEqual([enqueued]);
    expect(await eventTypes(foreman.client, enqueued!.id)).toEqual(['enqueued', 'leased']);
  });

  it('does not lease a job to a long poll whose client hung up', async () => {
    const hangUp = new AbortController();
    const abandoned = foreman.client.POST('/next-job', { body: { worker_id: 'gone', wait_ms: 20_000 }, signal: hangUp.signal }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    hangUp.abort();
    expect(await abandoned).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const job = await enqueue(foreman.client, { type: 't' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await getJob(foreman.client, job.id)).status).toBe('pending');
    expect((await leaseOne(foreman.client, 'present')).id).toBe(job.id);
  });

  it('answers an empty list when the wait runs out', async () => {
    const started = performance.now();
    expect(await leaseJobs(foreman.client, 'w', { wait_ms: 200 })).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('never hands one job to two concurrent pollers', async () => {
    await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: 200 }, () => ({ type: 'race' })) } });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => leaseJobs(foreman.client, `w${i}`, { max: 7 })));
    const ids = results.flat().map((job) => job.id);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
  });
});

describe('cancel', () => {
  it('cancels a pending job at once', async () => {
    const job = await enqueue(foreman.client, { type: 't' });
    const { data, response } = await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ status: 'cancelled', version: 2 });
    expect(await leaseJobs(foreman.client, 'w')).toEqual([]);
    const again = await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ job_status: 'cancelled', job_version: 2 });
  });

  it('asks the worker of a running job to stop; its failure report ends the job cancelled, never retried', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 5 });
    const leased = await leaseOne(foreman.client, 'w');
    const { data, response } = await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ status: 'running', cancel_requested: true, version: leased.version });
    const beat = await foreman.client.POST('/jobs/{id}/heartbeat', { params: { path: { id: job.id } }, body: { worker_id: 'w', version: leased.version } });
    expect(beat.data!.cancel_requested).toBe(true);
    const { data: ended } = await fail(foreman.client, leased, { message: 'aborted', code: 'cancelled', retryable: false });
    expect(ended).toMatchObject({ status: 'cancelled', finished_at: expect.any(String) });
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'cancel_requested', 'cancelled']);
  });
});

describe('retry by hand', () => {
  it('runs a failed job again with one more attempt, and refuses other states', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 1 });
    const notYet = await foreman.client.POST('/jobs/{id}/retry', { params: { path: { id: job.id } } });
    expect(notYet.response.status).toBe(409);
    const leased = await leaseOne(foreman.client, 'w');
    const { data: failed } = await fail(foreman.client, leased, { message: 'boom' });
    expect(failed).toMatchObject({ status: 'failed', attempt: 1, error: { message: 'boom', code: null, retryable: true } });

    const { data: retried } = await foreman.client.POST('/jobs/{id}/retry', { params: { path: { id: job.id } } });
    expect(retried).toMatchObject({ status: 'pending', max_attempts: 2, finished_at: null });
    const again = await leaseOne(foreman.client, 'w');
    expect(again).toMatchObject({ id: job.id, attempt: 2 });
    await complete(foreman.client, again, 'ok');
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'failed', 'retried', 'leased', 'completed']);
  });

  it('lets the body raise max_attempts', async () => {
    const job = await enqueue(foreman.client, { type: 't' });
    await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    const { data } = await foreman.client.POST('/jobs/{id}/retry', { params: { path: { id: job.id } }, body: { max_attempts: 9 } });
    expect(data).toMatchObject({ status: 'pending', max_attempts: 9, cancel_requested: false });
  });
});

describe('listing', () => {
  it('filters by status, type and time, newest first, paging with a cursor', async () => {
    const made: Job[] = [];
    for (let i = 0; i < 7; i++) made.push(await enqueue(foreman.client, { type: i % 2 ? 'ocr' : 'thumb' }));
    const leased = await leaseJobs(foreman.client, 'w', { types: ['ocr'], max: 2 });
    for (const job of leased) await fail(foreman.client, job, { message: 'bad scan', retryable: false });

    const { data: failed } = await foreman.client.GET('/jobs', {
      params: { query: { status: ['failed'], type: 'ocr', created_after: made[0]!.created_at } },
    });
    expect(failed!.jobs.map((job) => job.id)).toEqual(leased.map((job) => job.id).reverse());

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await foreman.client.GET('/jobs', { params: { query: { limit: 3, ...(cursor ? { cursor } : {}) } } });
      seen.push(...data!.jobs.map((job) => job.id));
      cursor = data!.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.map((job) => job.id).reverse());

    const { data: several } = await foreman.client.GET('/jobs', { params: { query: { status: ['pending', 'failed'] } } });
    expect(several!.jobs).toHaveLength(7);
  });

  it('compares created_after and created_before with instants finer than a millisecond', async () => {
    const job = await enqueue(foreman.client, { type: 'sub-ms' });
    // A job stamped at …n ms was created before …n.5 ms, and not at or after it.
    const justAfter = job.created_at.replace(/Z$/, '5Z');
    const list = async (query: { created_after?: string; created_before?: string }) =>
      (await foreman.client.GET('/jobs', { params: { query: { type: 'sub-ms', ...query } } })).data!.jobs.map((listed) => listed.id);
    expect(await list({ created_before: justAfter })).toEqual([job.id]);
    expect(await list({ created_after: justAfter })).toEqual([]);
    expect(await list({ created_after: job.created_at })).toEqual([job.id]);
    expect(await list({ created_before: job.created_at })).toEqual([]);
    // Zeros past the millisecond change nothing.
    expect(await list({ created_after: job.created_at.replace(/Z$/, '000Z') })).toEqual([job.id]);
  });

  it('accepts statuses as a comma-separated list', async () => {
    await enqueue(foreman.client, { type: 't' });
    const response = await fetch(`${foreman.url}/jobs?status=pending,running`);
    expect(((await response.json()) as { jobs: unknown[] }).jobs).toHaveLength(1);
  });
});

describe('operations', () => {
  it('reports counts per status, queue and type, and the oldest runnable job per queue', async () => {
    await enqueue(foreman.client, { type: 'a', queue: 'mail' });
    await enqueue(foreman.client, { type: 'b', queue: 'mail' });
    await enqueue(foreman.client, { type: 'b', queue: 'video', delay_ms: 60_000 });
    const leased = await leaseOne(foreman.client, 'w', { types: ['a'] });
    await complete(foreman.client, leased);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { data } = await foreman.client.GET('/stats');
    expect(data!.counts).toEqual({ pending: 2, running: 0, completed: 1, failed: 0, cancelled: 0 });
    expect(data!.queues.mail!.counts).toMatchObject({ pending: 1, completed: 1 });
    expect(data!.queues.mail!.oldest_runnable_age_ms).toBeGreaterThanOrEqual(30);
    expect(data!.queues.video!.oldest_runnable_age_ms).toBeNull();
    expect(data!.types.b).toMatchObject({ pending: 2 });
  });

  it('keeps its counts equal to the jobs the table holds through every kind of transition', async () => {
    await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: 12 }, (_, i) => ({ type: i % 2 ? 'a' : 'b', queue: i % 3 ? 'q1' : 'q2', max_attempts: 2, lease_ms: 150, backoff: { base_ms: 0 } })) } });
    await enqueue(foreman.client, { type: 'a', delay_ms: 60_000 });
    const leased = await leaseJobs(foreman.client, 'w', { max: 8 });
    await complete(foreman.client, leased[0]!, 'ok');
    await fail(foreman.client, leased[1]!, { message: 'again' });
    await fail(foreman.client, leased[2]!, { message: 'final', retryable: false });
    await foreman.client.POST('/jobs/{id}/retry', { params: { path: { id: leased[2]!.id } } });
    await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: leased[3]!.id } } });
    await fail(foreman.client, leased[3]!, { message: 'stopped', code: 'cancelled', retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the remaining leases expire

    const { data: all } = await foreman.client.GET('/jobs', { params: { query: { limit: 500 } } });
    const expected = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const job of all!.jobs) expected[job.status]++;
    const { data: stats } = await foreman.client.GET('/stats');
    expect(stats!.counts).toEqual(expected);
    expect(expected.pending + expected.running).toBeGreaterThan(0);
    const q2 = all!.jobs.filter((job) => job.queue === 'q2' && job.status === 'pending').length;
    expect(stats!.queues.q2!.counts.pending).toBe(q2);
  });

  it('lists the workers that polled, with their running jobs', async () => {
    await enqueue(foreman.client, { type: 'a' });
    await foreman.client.POST('/next-job', {
      body: { worker_id: 'host-1', types: ['a'], agent: { hostname: 'host', version: '1.0.0', concurrency: 4 } },
    });
    const { data } = await foreman.client.GET('/workers');
    expect(data!.workers).toEqual([
      expect.objectContaining({ worker_id: 'host-1', running_jobs: 1, types: ['a'], queues: null, agent: { hostname: 'host', version: '1.0.0', concurrency: 4 } }),
    ]);
  });

  it('serves its contract verbatim and a health check', async () => {
    const { readFileSync } = await import('node:fs');
    const served = await fetch(`${foreman.url}/openapi.yaml`);
    expect(await served.text()).toBe(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'));
    const { data } = await foreman.client.GET('/healthz');
    expect(data).toEqual({ status: 'ok' });
  });
});
