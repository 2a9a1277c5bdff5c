import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobError } from '../job-error.js';
import { runHandler } from '../test-support/run-handler.js';
import { httpJob, MAX_BODY_BYTES } from './http.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const status = Number(/^\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      if (status) return res.writeHead(status).end(`status ${status} body`);
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-test': 'yes' });
        return res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, auth: req.headers.authorization ?? null, body }));
      }
      if (req.url === '/big') return res.writeHead(200).end('x'.repeat(MAX_BODY_BYTES * 2));
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 3_000);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(payload: unknown, signal?: AbortSignal): Promise<JobError> {
  const error = await runHandler(httpJob, payload, signal).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

describe('http job', () => {
  it('returns status, headers and body of a 2xx response', async () => {
    const result = await runHandler(httpJob, { url: `${base}/echo`, headers: { authorization: 'Bearer t' } });
    expect(result.status).toBe(200);
    expect(result.headers['x-test']).toBe('yes');
    expect(result.truncated).toBe(false);
    expect(JSON.parse(result.body)).toEqual({ method: 'GET', type: null, auth: 'Bearer t', body: '' });
  });

  it('sends a JSON body as JSON and a string body as is', async () => {
    const json = await runHandler(httpJob, { url: `${base}/echo`, method: 'post', body: { a: 1 } });
    expect(JSON.parse(json.body)).toMatchObject({ method: 'POST', type: 'application/json', body: '{"a":1}' });
    const text = await runHandler(httpJob, { url: `${base}/echo`, method: 'PUT', body: 'plain', headers: { 'content-type': 'text/plain' } });
    expect(JSON.parse(text.body)).toMatchObject({ method: 'PUT', type: 'text/plain', body: 'plain' });
  });

  it('truncates a large body at 64 KiB and says so', async () => {
    const result = await runHandler(httpJob, { url: `${base}/big` });
    expect(result.body).toHaveLength(MAX_BODY_BYTES);
    expect(result.truncated).toBe(true);
  });

  it('fails a 4xx for good, with the status in the code', async () => {
    const error = await failure({ url: `${base}/status/404` });
    expect(error).toMatchObject({ code: 'http_404', retryable: false });
    expect(error.message).toContain('status 404 body');
  });

  it('fails a 5xx (and 429) retryably', async () => {
    expect(await failure({ url: `${base}/status/503` })).toMatchObject({ code: 'http_503', retryable: true });
    expect(await failure({ url: `${base}/status/429` })).toMatchObject({ code: 'http_429', retryable: true });
  });

  it('fails a network error retryably', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure({ url: `http://127.0.0.1:${port}/` })).toMatchObject({ code: 'network_error', retryable: true });
  });

  it('gives up after timeout_ms, retryably', async () => {
    const started = Date.now();
    expect(await failure({ url: `${base}/slow`, timeout_ms: 100 })).toMatchObject({ code: 'http_timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('stops when the job is aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new JobError('job cancelled', { code: 'cancelled', retryable: false });
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure({ url: `${base}/slow` }, controller.signal)).toBe(reason);
  });

  it('refuses payloads it cannot send', () => {
    for (const payload of [{ url: 'ftp://example.com' }, { url: `${base}/echo`, body: 'x' }, { url: `${base}/echo`, method: 'CONNECT' }, {}]) {
      expect(httpJob.schema?.safeParse(payload).success).toBe(false);
    }
  });
});
