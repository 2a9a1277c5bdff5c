// GET /metrics: Prometheus text whose counters, histograms and gauges follow what the API did.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { complete, enqueue, eventually, fail, leaseJobs, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
});
afterEach(async () => {
  await foreman.close();
});
afterAll(() => {
  expect(contractViolations).toEqual([]);
});

type Samples = Map<string, number>;

async function scrape(): Promise<{ samples: Samples; text: string }> {
  const response = await fetch(`${foreman.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { samples, text };
}

const job = (queue: string, type: string) => `queue="${queue}",type="${type}"`;

describe('GET /metrics', () => {
  it('counts every transition by queue and type, and keeps the job-count gauges', async () => {
    const labels = job('metrics-q', 'metrics-t');
    const spec = { type: 'metrics-t', queue: 'metrics-q', payload: {} };
    const done = await enqueue(foreman.client, { ...spec, priority: 5 });
    await enqueue(foreman.client, { ...spec, priority: 4, max_attempts: 2 });
    await enqueue(foreman.client, { ...spec, priority: 3, max_attempts: 1 });
    await enqueue(foreman.client, { ...spec, priority: 2, lease_ms: 100, max_attempts: 1 });
    const cancelled = await enqueue(foreman.client, { ...spec, priority: 1 });
    expect((await foreman.client.POST('/jobs/{id}/cancel', { params: { path: { id: cancelled.id } } })).response.status).toBe(200);

    const [first, retried, failed, expired] = await leaseJobs(foreman.client, 'metrics-worker', { max: 4 });
    expect(first!.id).toBe(done.id);
    expect((await complete(foreman.client, first!, 'ok')).response.status).toBe(200);
    expect((await fail(foreman.client, retried!, { message: 'flaky', retryable: true })).response.status).toBe(200);
    expect((await fail(foreman.client, failed!, { message: 'broken', retryable: false })).response.status).toBe(200);
    await eventually(() => foreman.client.GET('/jobs/{id}', { params: { path: { id: expired!.id } } }), ({ data }) => data?.status === 'failed');

    await enqueue(foreman.client, { type: 'metrics-t', queue: 'metrics-backlog', payload: {} });

    const { samples, text } = await scrape();
    expect(samples.get(`foreman_jobs_enqueued_total{${labels}}`)).toBe(5);
    expect(samples.get(`foreman_jobs_leased_total{${labels}}`)).toBe(4);
    expect(samples.get(`foreman_jobs_completed_total{${labels}}`)).toBe(1);
    expect(samples.get(`foreman_jobs_retried_total{${labels}}`)).toBe(1);
    expect(samples.get(`foreman_jobs_failed_total{${labels}}`)).toBe(2);
    expect(samples.get(`foreman_jobs_lease_expired_total{${labels}}`)).toBe(1);
    expect(samples.get(`foreman_jobs_cancelled_total{${labels}}`)).toBe(1);

    expect(samples.get(`foreman_job_queue_wait_seconds_count{${labels}}`)).toBe(4);
    expect(samples.get(`foreman_job_run_seconds_count{${labels},outcome="completed"}`)).toBe(1);
    expect(samples.get(`foreman_job_run_seconds_count{${labels},outcome="retried"}`)).toBe(1);
    expect(samples.get(`foreman_job_run_seconds_count{${labels},outcome="failed"}`)).toBe(1);

    // From the kept counts: one retried job is pending again.
    expect(samples.get(`foreman_jobs{${labels},status="pending"}`)).toBe(1);
    expect(samples.get(`foreman_jobs{${labels},status="completed"}`)).toBe(1);
    expect(samples.get(`foreman_jobs{${labels},status="failed"}`)).toBe(2);
    expect(samples.get(`foreman_jobs{${labels},status="cancelled"}`)).toBe(1);
    expect(samples.get('foreman_queue_oldest_runnable_age_seconds{queue="metrics-backlog"}')).toBeGreaterThanOrEqual(0);

    expect(samples.get('foreman_db_transaction_duration_seconds_count{outcome="commit"}')).toBeGreaterThan(5);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('counts a report sent again (a retried request) once', async () => {
    const labels = job('default', 'repeat-t');
    await enqueue(foreman.client, { type: 'repeat-t', payload: {} });
    await enqueue(foreman.client, { type: 'repeat-t', payload: {}, max_attempts: 1 });
    const [done, failed] = await leaseJobs(foreman.client, 'repeat-worker', { max: 2 });
    for (let i = 0; i < 3; i++) {
      expect((await complete(foreman.client, done!, { a: 1 })).response.status).toBe(200);
      expect((await fail(foreman.client, failed!, { message: 'broken', retryable: false })).response.status).toBe(200);
    }
    const batch = await foreman.client.POST('/reports', {
      body: { worker_id: 'repeat-worker', reports: [{ id: done!.id, version: done!.version, status: 'completed', result: { a: 1 } }] },
    });
    expect(batch.data!.results[0]!.status).toBe(200);

    const { samples } = await scrape();
    expect(samples.get(`foreman_jobs_completed_total{${labels}}`)).toBe(1);
    expect(samples.get(`foreman_jobs_failed_total{${labels}}`)).toBe(1);
    expect(samples.get(`foreman_job_run_seconds_count{${labels},outcome="completed"}`)).toBe(1);
    expect(samples.get(`foreman_job_run_seconds_count{${labels},outcome="failed"}`)).toBe(1);
  });

  it('times HTTP requests by the matched route pattern, never the raw path', async () => {
    const first = await enqueue(foreman.client, { type: 'route-t', payload: {} });
    const leased = await leaseOne(foreman.client, 'route-worker');
    await complete(foreman.client, leased, null);
    await foreman.client.GET('/jobs/{id}', { params: { path: { id: first.id } } });
    await fetch(`${foreman.url}/no/such/route/${first.id}`);

    const { samples, text } = await scrape();
    expect(samples.get('foreman_http_request_duration_seconds_count{method="POST",route="/jobs/:id/complete",status="200"}')).toBe(1);
    expect(samples.get('foreman_http_request_duration_seconds_count{method="GET",route="/jobs/:id",status="200"}')).toBe(1);
    expect(samples.get('foreman_http_request_duration_seconds_count{method="POST",route="/next-job",status="200"}')).toBe(1);
    expect(samples.get('foreman_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain(first.id);
  });

  it('shows the long polls waiting right now', async () => {
    const aborted = new AbortController();
    const poll = foreman.client.POST('/next-job', { body: { worker_id: 'patient', wait_ms: 30_000, types: ['nothing-comes'] }, signal: aborted.signal }).catch(() => undefined);
    await eventually(async () => (await scrape()).samples.get('foreman_long_polls_waiting'), (waiting) => waiting === 1);
    aborted.abort();
    await poll;
    await eventually(async () => (await scrape()).samples.get('foreman_long_polls_waiting'), (waiting) => waiting === 0);
  });
});
