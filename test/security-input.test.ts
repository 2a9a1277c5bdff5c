// Hostile input over real HTTP: SQL injection in every filter, oversized and deeply nested JSON,
// and a client that trickles its body byte by byte.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations, validatingFetch } from './support/validating-fetch.js';
import { enqueue } from './support/worker-calls.js';

let foreman: TestScheduler;
beforeAll(async () => {
  foreman = await startTestScheduler(['--request-timeout-ms', '1500', '--max-body-bytes', '65536']);
});
afterAll(async () => {
  await foreman.close();
  expect(contractViolations).toEqual([]);
});

const injections = [
  "' OR '1'='1",
  "'; DROP TABLE jobs; --",
  '" OR ""="',
  "x' UNION SELECT * FROM jobs --",
  '1; DELETE FROM job_events',
  "') OR 1=1 --",
  '%27%20OR%201%3D1',
  '\\x27 OR 1=1',
];
const filters = ['status', 'type', 'queue', 'parent_id', 'created_after', 'created_before', 'limit', 'cursor'];

async function listAll(): Promise<string[]> {
  const { data } = await foreman.client.GET('/jobs', { params: { query: { limit: 500 } } });
  return data!.jobs.map((job) => job.id);
}

describe('SQL injection', () => {
  it.each(filters)('in the %s filter is refused or matches nothing, and changes nothing', async (filter) => {
    await enqueue(foreman.client, { type: 'victim', queue: 'q' });
    const before = await listAll();
    for (const attempt of injections) {
      const url = new URL('/jobs', foreman.url);
      url.searchParams.set(filter, attempt);
      const response = await validatingFetch(url);
      expect([200, 400]).toContain(response.status);
      const body = (await response.json()) as { jobs?: unknown[]; errors?: Array<{ path: string }> };
      if (response.status === 200) expect(body.jobs).toEqual([]);
      else expect(body.errors!.map((error) => error.path.split('/')[1])).toContain(filter);
    }
    expect(await listAll()).toEqual(before);
  });

  it('in a job id in the path is a 400 or a 404, never a match', async () => {
    await enqueue(foreman.client, { type: 'victim' });
    for (const attempt of injections) {
      const response = await validatingFetch(new URL(`/jobs/${encodeURIComponent(attempt)}`, foreman.url));
      expect([400, 404]).toContain(response.status);
    }
  });

  it('stored as data is read back verbatim', async () => {
    const hostile = "x'); DROP TABLE jobs; --";
    const job = await enqueue(foreman.client, { type: 'verbatim', payload: { note: hostile }, idempotency_key: hostile });
    const { data } = await foreman.client.GET('/jobs/{id}', { params: { path: { id: job.id } } });
    expect(data).toMatchObject({ payload: { note: hostile }, idempotency_key: hostile });
  });
});

describe('oversized and deeply nested JSON', () => {
  it('answers 413 to a body over the limit', async () => {
    const response = await validatingFetch(new URL('/jobs', foreman.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'big', payload: { blob: 'x'.repeat(70_000) } }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    ['arrays', '['.repeat(30_000) + ']'.repeat(30_000)],
    ['objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['unclosed arrays', '['.repeat(60_000)],
  ])('answers 400 to deeply nested %s without crashing', async (_kind, nested) => {
    const response = await validatingFetch(new URL('/jobs', foreman.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"type":"deep","payload":${nested}}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/nested deeper|malformed/);
    expect((await foreman.client.GET('/healthz')).response.status).toBe(200);
  });
});

describe('a slow client', () => {
  it('sending its body byte by byte neither holds up other requests nor its connection forever', async () => {
    const { hostname, port } = new URL(foreman.url);
    const body = JSON.stringify({ type: 'slow', payload: { text: 'x'.repeat(200) } });
    const socket = connect(Number(port), hostname);
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    socket.on('error', () => undefined);
    const started = Date.now();
    socket.write(`POST /jobs HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
    let sent = 0;
    const trickle = setInterval(() => {
      if (socket.destroyed || sent >= body.length) return clearInterval(trickle);
      socket.write(body[sent++]!);
    }, 100);

    // Meanwhile the server answers everyone else at once.
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await enqueue(foreman.client, { type: 'fast' });
      expect(Date.now() - t0).toBeLessThan(500);
    }
    // The trickle would take 20 s; the request timeout (1.5 s, checked every second) cuts it off.
    const closedAt = await closed;
    clearInterval(trickle);
    expect(sent).toBeLessThan(body.length);
    expect(closedAt - started).toBeLessThan(5000);
    const { data } = await foreman.client.GET('/jobs', { params: { query: { type: 'slow' } } });
    expect(data!.jobs).toEqual([]);
  });
});
