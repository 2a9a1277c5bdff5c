// Terse wrappers over the generated client for tests that act as a worker by hand.
import type { ForemanClient, Job, JobInput } from '@foreman/client';
import { expect } from 'vitest';

export async function enqueue(client: ForemanClient, input: JobInput): Promise<Job> {
  const { data, error, response } = await client.POST('/jobs', { body: input });
  expect(error, JSON.stringify(error)).toBeUndefined();
  expect(response.status).toBe(201);
  return data!;
}

export async function leaseJobs(
  client: ForemanClient,
  workerId: string,
  options: { max?: number; wait_ms?: number; types?: string[]; queues?: string[] } = {},
): Promise<Job[]> {
  const { data, error } = await client.POST('/next-job', { body: { worker_id: workerId, ...options } });
  expect(error, JSON.stringify(error)).toBeUndefined();
  return data!.jobs;
}

export async function leaseOne(client: ForemanClient, workerId: string, options: { wait_ms?: number; types?: string[] } = {}): Promise<Job> {
  const jobs = await leaseJobs(client, workerId, { wait_ms: 5000, ...options });
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

export function complete(client: ForemanClient, job: Pick<Job, 'id' | 'version' | 'worker_id'>, result: unknown = null) {
  return client.POST('/jobs/{id}/complete', {
    params: { path: { id: job.id } },
    body: { worker_id: job.worker_id!, version: job.version, status: 'completed', result },
  });
}

export function fail(client: ForemanClient, job: Pick<Job, 'id' | 'version' | 'worker_id'>, error: { message: string; code?: string; retryable?: boolean }) {
  return client.POST('/jobs/{id}/complete', {
    params: { path: { id: job.id } },
    body: { worker_id: job.worker_id!, version: job.version, status: 'failed', error },
  });
}

export async function getJob(client: ForemanClient, id: string): Promise<Job> {
  const { data, error } = await client.GET('/jobs/{id}', { params: { path: { id } } });
  expect(error).toBeUndefined();
  return data!;
}

export async function eventTypes(client: ForemanClient, id: string): Promise<string[]> {
  const { data } = await client.GET('/jobs/{id}/events', { params: { path: { id } } });
  return data!.events.map((event) => event.type);
}

/** Polls `read` until `accept` holds, failing after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
