// Structured logs: every line about a request carries its id (the caller's X-Request-Id when sane),
// and the job and worker it concerns.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, SchedulerProcesses } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { enqueue, eventually, leaseOne } from './support/worker-calls.js';

const processes = new SchedulerProcesses();
afterAll(() => {
  expect(contractViolations).toEqual([]);
});

describe('request logs', () => {
  it('stamp the request id, job id and worker id on the lines of a request, and echo the id', async () => {
    const { running } = await processes.start(['--log-level', 'debug']);
    const client = clientFor(running.url);
    await enqueue(client, { type: 'logged', payload: {} });
    const job = await leaseOne(client, 'log-worker', { types: ['logged'] });

    const requestId = `trace-${randomUUID()}`;
    const response = await fetch(`${running.url}/jobs/${job.id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ worker_id: 'log-worker', version: job.version, status: 'completed' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const line = await eventually(
      async () => running.logs.find((entry) => entry.request_id === requestId && entry.msg === 'request handled'),
      (entry) => entry !== undefined,
    );
    expect(line).toMatchObject({ job_id: job.id, worker_id: 'log-worker', route: '/jobs/:id/complete', status: 200, method: 'POST' });
    expect(line!.duration_ms).toEqual(expect.any(Number));

    // Every route that names a job in its path says which, the reads and an operator's as well.
    for (const [method, path] of [['GET', `/jobs/${job.id}`], ['GET', `/jobs/${job.id}/events`], ['POST', `/jobs/${job.id}/retry`]] as const) {
      const id = `trace-${randomUUID()}`;
      await (await fetch(`${running.url}${path}`, { method, headers: { 'x-request-id': id } })).arrayBuffer();
      const handled = await eventually(
        async () => running.logs.find((entry) => entry.request_id === id && entry.msg === 'request handled'),
        (entry) => entry !== undefined,
      );
      expect(handled).toMatchObject({ job_id: job.id, method });
    }
  });

  it('make up an id when the caller sends none or an unusable one', async () => {
    const { running } = await processes.start();
    for (const offered of [undefined, 'has spaces in it', 'x'.repeat(129)]) {
      const response = await fetch(`${running.url}/healthz`, { headers: offered ? { 'x-request-id': offered } : {} });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
