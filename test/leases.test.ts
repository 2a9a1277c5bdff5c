// Leases, heartbeats and reports: version locking, lease expiry, retries and their backoff.
import type { Job } from '@foreman/client';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { complete, enqueue, eventTypes, eventually, fail, getJob, leaseJobs, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '25']);
});
afterEach(() => foreman.close());
afterAll(() => expect(contractViolations).toEqual([]));

const noJitter = (base_ms: number) => ({ strategy: 'fixed' as const, base_ms, jitter: false });

describe('leasing', () => {
  it('sets running, attempt, version, worker and lease deadline', async () => {
    const job = await enqueue(foreman.client, { type: 't', lease_ms: 5000 });
    const leased = await leaseOne(foreman.client, 'worker-a');
    expect(leased).toMatchObject({ id: job.id, status: 'running', attempt: 1, version: 2, worker_id: 'worker-a' });
    expect(Date.parse(leased.lease_expires_at!) - Date.parse(leased.started_at!)).toBe(5000);
  });

  it('extends the lease on heartbeat and records progress once per change', async () => {
    await enqueue(foreman.client, { type: 't', lease_ms: 1000 });
    const leased = await leaseOne(foreman.client, 'w');
    // Four beats 400 ms apart outlast the 1 s lease only because each extends it.
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const progress = { current: i < 2 ? 1 : 2, total: 2 };
      const { data, response } = await foreman.client.POST('/jobs/{id}/heartbeat', { params: { path: { id: leased.id } }, body: { worker_id: 'w', version: leased.version, progress } });
      expect(response.status).toBe(200);
      expect(Date.parse(data!.lease_expires_at)).toBeGreaterThan(Date.now());
    }
    const job = await getJob(foreman.client, leased.id);
    expect(job).toMatchObject({ status: 'running', version: leased.version, progress: { current: 2, total: 2, message: null } });
    expect(await eventTypes(foreman.client, leased.id)).toEqual(['enqueued', 'leased', 'progress', 'progress']);
  });

  it('extends many leases in one heartbeat batch, answering each as the single endpoint would', async () => {
    for (let i = 0; i < 4; i++) await enqueue(foreman.client, { type: 'beat', lease_ms: 5000 });
    const [mine, stale, cancelled, others] = (await leaseJobs(foreman.client, 'w', { max: 3 })).concat(await leaseJobs(foreman.client, 'other')) as [Job, Job, Job, Job];
    await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: cancelled.id } } });
    const { data, response } = await foreman.client.POST('/heartbeats', {
      body: {
        worker_id: 'w',
        heartbeats: [
          { id: mine.id, version: mine.version, progress: { current: 3, total: 4, message: 'most' } },
          { id: stale.id, version: stale.version + 7 },
          { id: cancelled.id, version: cancelled.version },
          { id: others.id, version: others.version },
          { id: '01a20000-0000-7000-8000-000000000000', version: 2 },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(data!.drain).toBe(false);
    expect(data!.results.map((result) => [result.id, result.status])).toEqual([
      [mine.id, 200],
      [stale.id, 409],
      [cancelled.id, 200],
      [others.id, 403],
      ['01a20000-0000-7000-8000-000000000000', 404],
    ]);
    const [applied, conflict, flagged, forbidden] = data!.results;
    expect(Date.parse(applied!.lease_expires_at!)).toBeGreaterThan(Date.parse(mine.lease_expires_at!));
    expect(applied).toMatchObject({ cancel_requested: false, problem: null });
    expect(conflict).toMatchObject({ lease_expires_at: null, cancel_requested: null, problem: { status: 409, job_status: 'running', job_version: stale.version } });
    expect(flagged!.cancel_requested).toBe(true);
    expect(forbidden!.problem).toMatchObject({ status: 403 });
    expect(await getJob(foreman.client, mine.id)).toMatchObject({ status: 'running', version: mine.version, progress: { current: 3, total: 4, message: 'most' } });
    expect(Date.parse((await getJob(foreman.client, mine.id)).lease_expires_at!)).toBe(Date.parse(applied!.lease_expires_at!));
    // Refused heartbeats touch nothing: the stale one's lease runs out on its own.
    expect(Date.parse((await getJob(foreman.client, stale.id)).lease_expires_at!)).toBe(Date.parse(stale.lease_expires_at!));
    expect(await eventTypes(foreman.client, mine.id)).toEqual(['enqueued', 'leased', 'progress']);
  });

  it('keeps leases alive past lease_ms with heartbeat batches alone', async () => {
    for (let i = 0; i < 3; i++) await enqueue(foreman.client, { type: 'beat', lease_ms: 600 });
    const leased = await leaseJobs(foreman.client, 'w', { max: 3 });
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const { data } = await foreman.client.POST('/heartbeats', { body: { worker_id: 'w', heartbeats: leased.map((job) => ({ id: job.id, version: job.version })) } });
      expect(data!.results.map((result) => result.status)).toEqual([200, 200, 200]);
    }
    for (const job of leased) expect(await getJob(foreman.client, job.id)).toMatchObject({ status: 'running', attempt: 1, worker_id: 'w' });
  });

  it('applies heartbeat batches of every size, over a hundred included', async () => {
    await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: 130 }, () => ({ type: 'many', lease_ms: 60_000 })) } });
    const leased = [...(await leaseJobs(foreman.client, 'w', { max: 100 })), ...(await leaseJobs(foreman.client, 'w', { max: 100 }))];
    expect(leased).toHaveLength(130);
    for (const size of [1, 3, 64, 65, 100, 101, 130, 65]) {
      const batch = leased.slice(0, size);
      const { data } = await foreman.client.POST('/heartbeats', { body: { worker_id: 'w', heartbeats: batch.map((job) => ({ id: job.id, version: job.version, progress: { current: size } })) } });
      expect(data!.results.map((result) => [result.id, result.status])).toEqual(batch.map((job) => [job.id, 200]));
    }
    // Each job holds the progress of the last batch that named it.
    for (const index of [0, 64]) expect((await getJob(foreman.client, leased[index]!.id)).progress).toMatchObject({ current: 65 });
    for (const index of [65, 100, 129]) expect((await getJob(foreman.client, leased[index]!.id)).progress).toMatchObject({ current: 130 });
  });

  it('refuses a heartbeat batch that names a job twice, naming the repeat, and applies none of it', async () => {
    await enqueue(foreman.client, { type: 'beat', lease_ms: 5000 });
    const leased = await leaseOne(foreman.client, 'w');
    const beat = { id: leased.id, version: leased.version };
    const { error, response } = await foreman.client.POST('/heartbeats', { body: { worker_id: 'w', heartbeats: [beat, { ...beat, progress: { current: 1 } }] } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((error as { errors: Array<{ path: string }> }).errors.map((field) => field.path)).toEqual(['/heartbeats/1/id']);
    expect((await getJob(foreman.client, leased.id)).progress).toBeNull();
  });

  it('re-runs the job of a worker that vanished once its lease expires, and refuses that worker\'s late report', async () => {
    const job = await enqueue(foreman.client, { type: 't', lease_ms: 200, backoff: noJitter(0) });
    const lost = await leaseOne(foreman.client, 'vanished');
    const rerun = await leaseOne(foreman.client, 'successor', { wait_ms: 5000 });
    expect(rerun).toMatchObject({ id: job.id, attempt: 2, worker_id: 'successor' });
    expect(Date.parse(rerun.started_at!)).toBeGreaterThanOrEqual(Date.parse(lost.lease_expires_at!));

    const late = await complete(foreman.client, lost, { from: 'vanished' });
    expect(late.response.status).toBe(409);
    expect(late.error).toMatchObject({ job_status: 'running', job_version: rerun.version });
    const beat = await foreman.client.POST('/jobs/{id}/heartbeat', { params: { path: { id: job.id } }, body: { worker_id: 'vanished', version: lost.version } });
    expect(beat.response.status).toBe(409);

    const { data: done } = await complete(foreman.client, rerun, { from: 'successor' });
    expect(done).toMatchObject({ status: 'completed', result: { from: 'successor' } });
    const { data: history } = await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
    expect(history!.events.map((event) => event.type)).toEqual(['enqueued', 'leased', 'lease_expired', 'retry_scheduled', 'leased', 'report_superseded', 'completed']);
    expect(history!.events[1]).toMatchObject({ attempt: 1, version: 2, worker_id: 'vanished' });
    expect(history!.events[2]!.details).toMatchObject({ worker_id: 'vanished' });
    expect(history!.events[5]).toMatchObject({ worker_id: 'vanished', version: lost.version, details: { status: 'completed', result: { from: 'vanished' } } });
  });

  it('refuses a heartbeat and a report that arrive after the lease passed, before any sweep, and hands the job on at once', async () => {
    const unswept = await startTestScheduler(['--sweep-interval-ms', '600000']);
    try {
      const job = await enqueue(unswept.client, { type: 't', lease_ms: 200, backoff: noJitter(0) });
      const lost = await leaseOne(unswept.client, 'slow');
      // Waits from before the lapse: only the refusal itself can wake it, as no sweep runs for minutes.
      const successor = leaseJobs(unswept.client, 'successor', { wait_ms: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, Date.parse(lost.lease_expires_at!) - Date.now() + 50));

      const beat = await unswept.client.POST('/jobs/{id}/heartbeat', { params: { path: { id: job.id } }, body: { worker_id: 'slow', version: lost.version } });
      expect(beat.response.status).toBe(409);
      expect(beat.error).toMatchObject({ job_version: lost.version + 1 });
      const [rerun] = await successor;
      expect(rerun).toMatchObject({ id: job.id, attempt: 2, worker_id: 'successor' });

      const late = await complete(unswept.client, lost, 'too late');
      expect(late.response.status).toBe(409);
      expect(await eventTypes(unswept.client, job.id)).toEqual(['enqueued', 'leased', 'lease_expired', 'retry_scheduled', 'leased', 'report_superseded']);
    } finally {
      await unswept.close();
    }
  });

  it('answers another worker that finds a lease passed with 403, and leaves the attempt to the sweeper', async () => {
    const unswept = await startTestScheduler(['--sweep-interval-ms', '600000']);
    try {
      const job = await enqueue(unswept.client, { type: 't', lease_ms: 200 });
      const leased = await leaseOne(unswept.client, 'owner');
      await new Promise((resolve) => setTimeout(resolve, Date.parse(leased.lease_expires_at!) - Date.now() + 50));
      const intruder = await complete(unswept.client, { ...leased, worker_id: 'intruder' }, 'not mine');
      expect(intruder.response.status).toBe(403);
      expect(await getJob(unswept.client, job.id)).toMatchObject({ status: 'running', version: leased.version });
      expect(await eventTypes(unswept.client, job.id)).toEqual(['enqueued', 'leased']);
      const late = await unswept.client.POST('/jobs/{id}/heartbeat', { params: { path: { id: job.id } }, body: { worker_id: 'owner', version: leased.version } });
      expect(late.response.status).toBe(409);
      expect((late.error as { detail: string }).detail).toContain(`The lease expired at ${leased.lease_expires_at}`);
    } finally {
      await unswept.close();
    }
  });

  it('ends the attempt of a report that arrives after its lease passed, keeping the refused result in the history', async () => {
    const unswept = await startTestScheduler(['--sweep-interval-ms', '600000']);
    try {
      const job = await enqueue(unswept.client, { type: 't', lease_ms: 200, max_attempts: 1 });
      const lost = await leaseOne(unswept.client, 'slow');
      await new Promise((resolve) => setTimeout(resolve, Date.parse(lost.lease_expires_at!) - Date.now() + 50));
      const late = await complete(unswept.client, lost, { done: true });
      expect(late.response.status).toBe(409);
      expect(late.error).toMatchObject({ job_status: 'failed' });
      expect((await getJob(unswept.client, job.id)).error).toMatchObject({ code: 'lease_expired' });
      const { data } = await unswept.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
      expect(data!.events.map((event) => event.type)).toEqual(['enqueued', 'leased', 'lease_expired', 'failed', 'report_superseded']);
      expect(data!.events[4]!.details).toMatchObject({ status: 'completed', result: { done: true } });
    } finally {
      await unswept.close();
    }
  });

  it('ends a job whose last attempt expired as failed with code lease_expired', async () => {
    const job = await enqueue(foreman.client, { type: 't', lease_ms: 100, max_attempts: 1 });
    await leaseOne(foreman.client, 'w');
    const ended = await eventually(() => getJob(foreman.client, job.id), (j) => j.status === 'failed');
    expect(ended.error).toMatchObject({ code: 'lease_expired', retryable: true });
  });

  it('ends a job whose cancel was requested as cancelled when its lease expires', async () => {
    const job = await enqueue(foreman.client, { type: 't', lease_ms: 150, max_attempts: 5 });
    await leaseOne(foreman.client, 'w');
    await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    const ended = await eventually(() => getJob(foreman.client, job.id), (j) => j.status !== 'running');
    expect(ended.status).toBe('cancelled');
  });
});

describe('reports', () => {
  it('accepts exactly one of two reports for different versions', async () => {
    const job = await enqueue(foreman.client, { type: 't', lease_ms: 150, backoff: noJitter(0) });
    const first = await leaseOne(foreman.client, 'a');
    const second = await leaseOne(foreman.client, 'b', { wait_ms: 5000 });
    const [one, two] = await Promise.all([complete(foreman.client, first, 1), complete(foreman.client, second, 2)]);
    expect([one.response.status, two.response.status].sort()).toEqual([200, 409]);
    expect(await getJob(foreman.client, job.id)).toMatchObject({ status: 'completed', result: 2 });
  });

  it('answers a repeated report with 200 and applies it once', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 3, backoff: noJitter(60_000) });
    const leased = await leaseOne(foreman.client, 'w');
    const first = await fail(foreman.client, leased, { message: 'flaky' });
    const repeat = await fail(foreman.client, leased, { message: 'flaky' });
    expect(repeat.response.status).toBe(200);
    expect(repeat.data).toEqual(first.data);
    expect((await getJob(foreman.client, job.id)).version).toBe(3);
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'retry_scheduled']);
    const different = await complete(foreman.client, leased, 'late success');
    expect(different.response.status).toBe(409);
  });

  it('refuses a second report for the same lease that says something else, keeping it in the history', async () => {
    const job = await enqueue(foreman.client, { type: 't' });
    const leased = await leaseOne(foreman.client, 'w');
    expect((await complete(foreman.client, leased, { n: 1, list: [1, 2] })).response.status).toBe(200);
    const changed = await complete(foreman.client, leased, { n: 2 });
    expect(changed.response.status).toBe(409);
    expect(changed.error).toMatchObject({ job_status: 'completed', job_version: leased.version + 1 });
    // The same result, however its keys are ordered, is the same report.
    const same = await foreman.client.POST('/jobs/{id}/complete', {
      params: { path: { id: job.id } },
      body: { worker_id: 'w', version: leased.version, status: 'completed', result: { list: [1, 2], n: 1 } },
    });
    expect(same.response.status).toBe(200);
    expect(await getJob(foreman.client, job.id)).toMatchObject({ status: 'completed', result: { n: 1, list: [1, 2] } });
    const { data } = await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
    expect(data!.events.map((event) => event.type)).toEqual(['enqueued', 'leased', 'completed', 'report_superseded']);
    expect(data!.events[3]!.details).toMatchObject({ status: 'completed', result: { n: 2 } });
  });

  it('takes a completion without a result and one with `result: null` as the same report', async () => {
    const job = await enqueue(foreman.client, { type: 't' });
    const leased = await leaseOne(foreman.client, 'w');
    const body = { worker_id: 'w', version: leased.version, status: 'completed' as const };
    const first = await foreman.client.POST('/jobs/{id}/complete', { params: { path: { id: job.id } }, body });
    expect(first.response.status).toBe(200);
    const explicitNull = await foreman.client.POST('/jobs/{id}/complete', { params: { path: { id: job.id } }, body: { ...body, result: null } });
    expect(explicitNull.response.status).toBe(200);
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'completed']);
  });

  it('refuses a repeated failure report whose error differs from the one applied', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 1 });
    const leased = await leaseOne(foreman.client, 'w');
    expect((await fail(foreman.client, leased, { message: 'disk full', code: 'ENOSPC' })).response.status).toBe(200);
    expect((await fail(foreman.client, leased, { message: 'disk full', code: 'EIO' })).response.status).toBe(409);
    expect((await fail(foreman.client, leased, { message: 'disk full', code: 'ENOSPC' })).response.status).toBe(200);
    expect((await getJob(foreman.client, job.id)).error).toMatchObject({ message: 'disk full', code: 'ENOSPC' });
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'failed', 'report_superseded']);
  });

  it('refuses a report from a worker that does not hold the lease', async () => {
    await enqueue(foreman.client, { type: 't' });
    const leased = await leaseOne(foreman.client, 'owner');
    const { response } = await complete(foreman.client, { ...leased, worker_id: 'intruder' });
    expect(response.status).toBe(403);
    expect((await getJob(foreman.client, leased.id)).status).toBe('running');
  });

  it('retries with the configured backoff and completes on a later attempt', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 3, backoff: { strategy: 'exponential', base_ms: 200, jitter: false } });
    const first = await leaseOne(foreman.client, 'w');
    const { data: afterFirst } = await fail(foreman.client, first, { message: 'try again', code: 'flaky' });
    expect(afterFirst).toMatchObject({ status: 'pending', attempt: 1, error: { message: 'try again', code: 'flaky', retryable: true } });
    expect(Date.parse(afterFirst!.run_at) - Date.parse(afterFirst!.updated_at)).toBe(200);
    expect(await leaseJobs(foreman.client, 'w')).toEqual([]);

    const second = await leaseOne(foreman.client, 'w', { wait_ms: 5000 });
    expect(Date.parse(second.started_at!)).toBeGreaterThanOrEqual(Date.parse(afterFirst!.run_at));
    const { data: afterSecond } = await fail(foreman.client, second, { message: 'again' });
    expect(Date.parse(afterSecond!.run_at) - Date.parse(afterSecond!.updated_at)).toBe(400);

    const third = await leaseOne(foreman.client, 'w', { wait_ms: 5000 });
    const { data: done } = await complete(foreman.client, third, { ok: true });
    expect(done).toMatchObject({ id: job.id, status: 'completed', attempt: 3, result: { ok: true } });
    expect(await eventTypes(foreman.client, job.id)).toEqual(['enqueued', 'leased', 'retry_scheduled', 'leased', 'retry_scheduled', 'leased', 'completed']);
  });

  it('ends failed with the last error once attempts run out', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 2, backoff: noJitter(0) });
    await fail(foreman.client, await leaseOne(foreman.client, 'w'), { message: 'first' });
    const { data } = await fail(foreman.client, await leaseOne(foreman.client, 'w'), { message: 'second', code: 'E2' });
    expect(data).toMatchObject({ id: job.id, status: 'failed', attempt: 2, error: { message: 'second', code: 'E2', retryable: true }, finished_at: expect.any(String) });
  });

  it('applies a batch of reports one by one, answering each as the single endpoint would', async () => {
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await enqueue(foreman.client, { type: 'batch', max_attempts: 1 }));
    const leased = await leaseJobs(foreman.client, 'w', { max: 3 });
    const [first, second, third] = leased as [Job, Job, Job];
    const { data, response } = await foreman.client.POST('/reports', {
      body: {
        worker_id: 'w',
        reports: [
          { id: first.id, version: first.version, status: 'completed', result: { n: 1 } },
          { id: second.id, version: second.version + 7, status: 'completed' },
          { id: third.id, version: third.version, status: 'failed', error: { message: 'no', retryable: false } },
          { id: '01a20000-0000-7000-8000-000000000000', version: 2, status: 'completed' },
          { id: first.id, version: first.version, status: 'completed', result: { n: 1 } },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(data!.results.map((result) => result.status)).toEqual([200, 409, 200, 404, 200]);
    expect(data!.results[0]!.job).toMatchObject({ id: first.id, status: 'completed', result: { n: 1 } });
    expect(data!.results[1]!.problem).toMatchObject({ job_status: 'running', job_version: second.version });
    expect(data!.results[2]!.job).toMatchObject({ status: 'failed' });
    expect(await eventTypes(foreman.client, first.id)).toEqual(['enqueued', 'leased', 'completed']);
    expect((await getJob(foreman.client, second.id)).status).toBe('running');
  });

  it('leases the next jobs in the same request when a report batch asks for them', async () => {
    const first = await enqueue(foreman.client, { type: 'chain' });
    const [leased] = (await leaseJobs(foreman.client, 'w', { types: ['chain'] })) as [Job];
    const next = [await enqueue(foreman.client, { type: 'chain' }), await enqueue(foreman.client, { type: 'chain' })];
    await enqueue(foreman.client, { type: 'other' });
    const { data, response } = await foreman.client.POST('/reports', {
      body: { worker_id: 'w', reports: [{ id: leased.id, version: leased.version, status: 'completed' }], lease: { max: 5, types: ['chain'] } },
    });
    expect(response.status).toBe(200);
    expect(data!.results[0]).toMatchObject({ id: first.id, status: 200, job: { status: 'completed' } });
    expect(data!.jobs.map((job) => job.id).sort()).toEqual(next.map((job) => job.id).sort());
    for (const job of data!.jobs) expect(job).toMatchObject({ status: 'running', worker_id: 'w', attempt: 1 });
    expect(await eventTypes(foreman.client, next[0]!.id)).toEqual(['enqueued', 'leased']);
    // Without `lease` nothing more is leased.
    const [again] = data!.jobs as [Job, Job];
    const plain = await foreman.client.POST('/reports', { body: { worker_id: 'w', reports: [{ id: again.id, version: again.version, status: 'completed' }] } });
    expect(plain.data!.jobs).toEqual([]);
    expect((await foreman.client.GET('/stats')).data!.types['other']).toMatchObject({ pending: 1 });
  });

  it('leaves the jobs out of applied results when the report batch says return_jobs: false', async () => {
    await enqueue(foreman.client, { type: 'slim', max_attempts: 1 });
    await enqueue(foreman.client, { type: 'slim', max_attempts: 1 });
    const [applied, refused] = (await leaseJobs(foreman.client, 'w', { max: 2, types: ['slim'] })) as [Job, Job];
    const { data, response } = await foreman.client.POST('/reports', {
      body: {
        worker_id: 'w',
        reports: [
          { id: applied.id, version: applied.version, status: 'completed' },
          { id: refused.id, version: refused.version + 1, status: 'completed' },
        ],
        return_jobs: false,
      },
    });
    expect(response.status).toBe(200);
    expect(data!.results).toEqual([
      { id: applied.id, status: 200, job: null, problem: null },
      { id: refused.id, status: 409, job: null, problem: expect.objectContaining({ job_status: 'running', job_version: refused.version }) },
    ]);
    expect((await getJob(foreman.client, applied.id)).status).toBe('completed');
  });

  it('does not retry a non-retryable failure', async () => {
    const job = await enqueue(foreman.client, { type: 't', max_attempts: 5 });
    const { data } = await fail(foreman.client, await leaseOne(foreman.client, 'w'), { message: 'bad input', code: 'invalid', retryable: false });
    expect(data).toMatchObject({ id: job.id, status: 'failed', attempt: 1, error: { retryable: false } });
  });
});
