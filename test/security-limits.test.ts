// Limits over real HTTP: requests per second per token, long polls held at once, payload and header size.
import { connect } from 'node:net';
import { createForemanClient } from '@foreman/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { token, tokensFile, type TokensFile } from './support/tokens.js';
import { validatingFetch } from './support/validating-fetch.js';

const producer = token('ci', 'producer');
const other = token('other', 'producer');
const worker = token('workers', 'worker');

let foreman: TestScheduler | undefined;
let tokens: TokensFile | undefined;
afterEach(async () => {
  await foreman?.close();
  tokens?.remove();
  foreman = tokens = undefined;
});

async function start(flags: string[], withTokens = true): Promise<TestScheduler> {
  tokens = withTokens ? tokensFile([producer, other, worker]) : undefined;
  foreman = await startTestScheduler([...(tokens ? ['--tokens-file', tokens.path] : []), ...flags]);
  return foreman;
}

const clientAs = (url: string, minted?: { token: string }) => createForemanClient({ url, token: minted?.token, fetch: validatingFetch });

describe('the rate limit per token', () => {
  it('answers 429 with Retry-After past the burst, counting each token apart', async () => {
    const { url } = await start(['--rate-limit', '2', '--rate-limit-burst', '5']);
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await clientAs(url, producer).GET('/stats')).response.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);

    const limited = await clientAs(url, producer).GET('/stats');
    expect(limited.response.status).toBe(429);
    expect(limited.response.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.error).toMatchObject({ type: 'urn:foreman:problem:too-many-requests', status: 429 });

    expect((await clientAs(url, other).GET('/stats')).response.status).toBe(200);
    expect((await clientAs(url).GET('/healthz')).response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await clientAs(url, producer).GET('/stats')).response.status).toBe(200);
  });
});

describe('long polls per client', () => {
  it('holds at most the configured number open per token and answers the next with 429', async () => {
    const { url } = await start(['--max-polls-per-client', '2']);
    const client = clientAs(url, worker);
    const waiting = [0, 1].map((i) => client.POST('/next-job', { body: { worker_id: `w${i}`, wait_ms: 1500 } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = await client.POST('/next-job', { body: { worker_id: 'w2', wait_ms: 1500 } });
    expect(third.response.status).toBe(429);
    expect(third.response.headers.get('retry-after')).toBe('1');
    expect((await Promise.all(waiting)).map((poll) => poll.response.status)).toEqual([200, 200]);
    // Once they are answered, the slots are free again.
    expect((await client.POST('/next-job', { body: { worker_id: 'w2' } })).response.status).toBe(200);
  });

  it('counts by address when no tokens are configured', async () => {
    const { url } = await start(['--max-polls-per-client', '1'], false);
    const client = clientAs(url);
    const waiting = client.POST('/next-job', { body: { worker_id: 'a', wait_ms: 1000 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await client.POST('/next-job', { body: { worker_id: 'b', wait_ms: 1000 } })).response.status).toBe(429);
    expect((await waiting).response.status).toBe(200);
  });
});

describe('the payload limit per job', () => {
  it('answers 413 naming the payload of each job over the limit', async () => {
    const { url } = await start(['--max-payload-bytes', '1000'], false);
    const client = clientAs(url);
    const big = { blob: 'x'.repeat(1000) };
    const one = await client.POST('/jobs', { body: { type: 't', payload: big } });
    expect(one.response.status).toBe(413);
    expect(one.error!.errors).toEqual([{ path: '/payload', message: expect.stringContaining('1000 bytes') }]);

    const batch = await client.POST('/jobs/batch', { body: { jobs: [{ type: 't', payload: { small: true } }, { type: 't', payload: big }] } });
    expect(batch.response.status).toBe(413);
    expect(batch.error!.errors!.map((error) => error.path)).toEqual(['/jobs/1/payload']);
    expect((await client.GET('/jobs')).data!.jobs).toEqual([]);

    expect((await client.POST('/jobs', { body: { type: 't', payload: { blob: 'x'.repeat(900) } } })).response.status).toBe(201);
  });
});

/** Sends raw bytes and resolves to the whole answer, as text. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('requests the HTTP parser refuses', () => {
  it('answers headers over the limit with 431 and a malformed request with 400, as problems, and keeps serving', async () => {
    const { url } = await start([], false);
    const oversized = await fetch(`${url}/jobs?type=${'a'.repeat(20_000)}`);
    expect(oversized.status).toBe(431);
    expect(oversized.headers.get('content-type')).toBe('application/problem+json');
    expect(oversized.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await oversized.json()).toMatchObject({ type: 'urn:foreman:problem:headers-too-large', status: 431, detail: expect.stringContaining('headers') });

    const garbled = await rawExchange(url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbled).toContain('content-type: application/problem+json');
    expect(garbled).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
    expect(JSON.parse(garbled.slice(garbled.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, title: 'Malformed HTTP request' });

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
