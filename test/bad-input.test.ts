// Bad input on every endpoint gets a 4xx problem+json naming the field; never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations, validatingFetch } from './support/validating-fetch.js';
import { enqueue, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
let jobId: string;
beforeAll(async () => {
  foreman = await startTestScheduler(['--max-body-bytes', '65536']);
  await enqueue(foreman.client, { type: 'running' });
  jobId = (await leaseOne(foreman.client, 'w')).id;
});
afterAll(async () => {
  await foreman.close();
  expect(contractViolations).toEqual([]);
});

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

async function send(method: string, path: string, body?: string, contentType = 'application/json') {
  const response = await validatingFetch(`${foreman.url}${path.replace(':id', jobId)}`, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }),
  });
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem.status).toBe(response.status);
  expect(problem.title).toEqual(expect.any(String));
  return { status: response.status, problem };
}

const bodyEndpoints = ['/jobs', '/jobs/batch', '/next-job', '/jobs/:id/heartbeat', '/jobs/:id/complete', '/jobs/:id/retry'];

describe.each(bodyEndpoints)('POST %s', (path) => {
  it('refuses malformed JSON with 400', async () => {
    const { status, problem } = await send('POST', path, '{"type": ');
    expect(status).toBe(400);
    expect(problem.errors![0]!.message).toMatch(/malformed JSON/);
  });

  it.each(['[1, 2]', 'null', '"text"'])('refuses a body that is not an object (%s) with 400', async (body) => {
    const { status, problem } = await send('POST', path, body);
    expect(status).toBe(400);
    expect(problem.errors![0]!.path).toBe('');
  });

  it('refuses unknown fields, naming them', async () => {
    const { status, problem } = await send('POST', path, JSON.stringify({ surprise: true }));
    expect(status).toBe(400);
    expect(problem.errors).toContainEqual({ path: '/surprise', message: 'is not a known field' });
  });

  it('refuses a body larger than the limit with 413', async () => {
    const { status } = await send('POST', path, JSON.stringify({ payload: 'x'.repeat(100_000) }));
    expect(status).toBe(413);
  });

  it('answers 413 to a body many times the limit, after the client finished uploading it', async () => {
    const { status } = await send('POST', path, JSON.stringify({ payload: 'x'.repeat(8 * 1024 * 1024) }));
    expect(status).toBe(413);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const { status } = await send('POST', path, 'type=a', 'application/x-www-form-urlencoded');
    expect(status).toBe(415);
  });

  it('refuses a charset other than UTF-8 with 415', async () => {
    const { status, problem } = await send('POST', path, '{}', 'application/json; charset=latin1');
    expect(status).toBe(415);
    expect(problem.detail).toContain('latin1');
  });

  it('refuses bytes that are not UTF-8 with 400, rather than storing U+FFFD in their place', async () => {
    const response = await validatingFetch(`${foreman.url}${path.replace(':id', jobId)}`, {
      method: 'POST',
      body: Buffer.concat([Buffer.from('{"type": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([{ path: '', message: 'is not valid UTF-8' }]);
  });

  it('refuses JSON nested absurdly deep with 400', async () => {
    const { status } = await send('POST', path, '['.repeat(5000) + ']'.repeat(5000));
    expect(status).toBe(400);
  });

  it('refuses an encoded body with 415', async () => {
    const response = await validatingFetch(`${foreman.url}${path.replace(':id', jobId)}`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as Problem).detail).toContain('gzip');
  });
});

describe('oversized bodies on one keep-alive connection', () => {
  it('each get their 413, never a reset connection', async () => {
    const outcomes: Array<number | string> = [];
    for (let i = 0; i < 12; i++) {
      try {
        const response = await fetch(`${foreman.url}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'x', payload: 'x'.repeat(1_200_000) }),
        });
        outcomes.push(response.status);
        await response.text();
      } catch (error) {
        outcomes.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
      }
    }
    expect(outcomes).toEqual(Array(12).fill(413));
  });
});

describe('wrong types name the field', () => {
  it.each([
    ['/jobs', { type: 'a', priority: 'high' }, '/priority'],
    ['/jobs', { type: 'a', max_attempts: 0 }, '/max_attempts'],
    ['/jobs', { type: 'a', lease_ms: 50 }, '/lease_ms'],
    ['/jobs', { type: 'a', run_at: 'tomorrow' }, '/run_at'],
    ['/jobs', { type: 'a', run_at: '9999-12-31T23:59:59-01:00' }, '/run_at'],
    ['/jobs', { type: 'a', run_at: '0000-01-01T00:00:00+00:01' }, '/run_at'],
    ['/jobs', { type: 'a', run_at: '2030-01-01T00:00:00Z', delay_ms: 5 }, '/delay_ms'],
    ['/jobs', { type: 'a', backoff: { strategy: 'random' } }, '/backoff/strategy'],
    ['/jobs', { type: 'x'.repeat(129) }, '/type'],
    ['/jobs', { payload: {} }, '/type'],
    ['/jobs/batch', { jobs: [] }, '/jobs'],
    ['/jobs/batch', { jobs: [{ type: 'a' }, { type: 'b', priority: 1.5 }] }, '/jobs/1/priority'],
    ['/jobs/batch', { jobs: [{ type: 'a' }], return_jobs: 'no' }, '/return_jobs'],
    ['/next-job', { worker_id: '' }, '/worker_id'],
    ['/next-job', { worker_id: 'w', max: 101 }, '/max'],
    ['/next-job', { worker_id: 'w', wait_ms: -1 }, '/wait_ms'],
    ['/next-job', { worker_id: 'w', types: ['ok', 'not ok'] }, '/types/1'],
    ['/jobs/:id/heartbeat', { worker_id: 'w', version: '2' }, '/version'],
    ['/jobs/:id/complete', { worker_id: 'w', version: 2, status: 'done' }, '/status'],
    ['/jobs/:id/complete', { worker_id: 'w', version: 2, status: 'completed', error: { message: 'x' } }, '/error'],
    ['/jobs/:id/complete', { worker_id: 'w', version: 2, status: 'failed', error: { code: 'x' } }, '/error/message'],
    ['/jobs/:id/retry', { max_attempts: 'many' }, '/max_attempts'],
  ])('POST %s %j → 400 at %s', async (path, body, field) => {
    const { status, problem } = await send('POST', path, JSON.stringify(body));
    expect(status).toBe(400);
    expect(problem.errors!.map((error) => error.path)).toContain(field);
  });
});

describe('unknown ids and bad queries', () => {
  it.each([
    ['GET', '/jobs/01a20000-0000-7000-8000-000000000000'],
    ['GET', '/jobs/01a20000-0000-7000-8000-000000000000/events'],
    ['POST', '/jobs/01a20000-0000-7000-8000-000000000000/cancel'],
    ['POST', '/jobs/01a20000-0000-7000-8000-000000000000/retry'],
  ])('%s %s → 404', async (method, path) => {
    expect((await send(method, path)).status).toBe(404);
  });

  it.each([
    ['/jobs/01a20000-0000-7000-8000-000000000000/heartbeat', { worker_id: 'w', version: 1 }],
    ['/jobs/01a20000-0000-7000-8000-000000000000/complete', { worker_id: 'w', version: 1, status: 'completed' }],
  ])('POST %s → 404', async (path, body) => {
    expect((await send('POST', path, JSON.stringify(body))).status).toBe(404);
  });

  it('refuses an id longer than any job id with 400', async () => {
    const { status, problem } = await send('GET', `/jobs/${'x'.repeat(65)}`);
    expect(status).toBe(400);
    expect(problem.errors![0]!.path).toBe('/id');
  });

  it.each([
    ['cursor=garbage', '/cursor'],
    [`cursor=${Buffer.from('[1,2,3]').toString('base64url')}`, '/cursor'],
    ['status=sleeping', '/status/0'],
    ['limit=0', '/limit'],
    ['limit=ten', '/limit'],
    ['limit=1e2', '/limit'],
    ['limit=0x10', '/limit'],
    ['limit=', '/limit'],
    ['type=sleep&type=http', '/type'],
    ['limit=1&limit=3', '/limit'],
    ['created_after=yesterday', '/created_after'],
    ['created_before=9999-12-31T23:30:00-01:00', '/created_before'],
    ['__proto__=1', '/__proto__'],
    ['constructor=1', '/constructor'],
    ['stauts=failed', '/stauts'],
    ["type=ocr'%20OR%201=1--", '/type'],
  ])('GET /jobs?%s → 400 at %s', async (query, field) => {
    const { status, problem } = await send('GET', `/jobs?${query}`);
    expect(status).toBe(400);
    expect(problem.errors!.map((error) => error.path)).toContain(field);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await fetch(`${foreman.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    ['PUT', '/jobs', 'GET, HEAD, POST'],
    ['DELETE', '/jobs/:id', 'GET, HEAD'],
    ['GET', '/next-job', 'POST'],
    ['PATCH', '/workers/w/drain', 'DELETE, POST'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const response = await fetch(`${foreman.url}${path.replace(':id', jobId)}`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'urn:foreman:problem:method-not-allowed', status: 405 });
  });

  it.each([
    ['{"type":"t","payload":{"a":[1,{"b":1e400}]}}', '/payload/a/1/b'],
    [`{"type":"t","payload":{"n":-${'9'.repeat(400)}}}`, '/payload/n'],
    ['{"jobs":[{"type":"t"},{"type":"t","payload":1E+999}]}', '/jobs/1/payload'],
  ])('refuses a number JSON would turn into Infinity, naming it, and stores nothing: %s', async (body, field) => {
    const before = (await foreman.client.GET('/stats')).data!.counts.pending;
    const { status, problem } = await send('POST', field.startsWith('/jobs') ? '/jobs/batch' : '/jobs', body);
    expect(status).toBe(400);
    expect(problem.errors).toEqual([{ path: field, message: expect.stringContaining('too large') }]);
    expect((await foreman.client.GET('/stats')).data!.counts.pending).toBe(before);
  });

  it('names a number too large to represent together with every other fault of the body', async () => {
    const { status, problem } = await send('POST', '/jobs', '{"type":5,"payload":{"a/b":1e400,"c":[1e999]},"priority":"x"}');
    expect(status).toBe(400);
    expect(problem.errors!.map((error) => error.path).sort()).toEqual(['/payload/a~1b', '/payload/c/0', '/priority', '/type']);
    const batch = await send('POST', '/jobs/batch', '{"jobs":[{"type":"t","payload":1e400},{"type":"t","priority":1e999}]}');
    expect(batch.problem.errors!.map((error) => error.path).sort()).toEqual(['/jobs/0/payload', '/jobs/1/priority']);
    expect(batch.problem.errors!.find((error) => error.path === '/jobs/1/priority')!.message).toMatch(/too large to represent/);
  });

  it('names a field that breaks several rules once, with every rule it breaks', async () => {
    const { problem } = await send('POST', '/jobs', JSON.stringify({ type: '' }));
    expect(problem.errors).toEqual([{ path: '/type', message: expect.stringMatching(/>=1 characters; must be 1-128 characters/) }]);
  });

  it('keeps large but finite numbers and exponents in strings', async () => {
    const job = await enqueue(foreman.client, { type: 't', payload: { big: 1e300, text: '1e400', digits: '9'.repeat(400) } });
    expect(job.payload).toEqual({ big: 1e300, text: '1e400', digits: '9'.repeat(400) });
  });

  it('requires a body where one is needed', async () => {
    const { status, problem } = await send('POST', '/jobs');
    expect(status).toBe(400);
    expect(problem.errors![0]!.message).toMatch(/body is required/);
  });
});
