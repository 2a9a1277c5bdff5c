import { afterEach, beforeEach, expect, it } from 'vitest';
import { schedulerFetch } from './scheduler-fetch.js';
import { listenOnLoopback, type LoopbackServer } from './test-support/loopback-server.js';

let server: LoopbackServer;
let url: string;

beforeEach(async () => {
  server = await listenOnLoopback((req, res) => {
    if (req.url === '/empty') return res.writeHead(204).end();
    if (req.url === '/hang') return;
    if (req.url === '/moved') return res.writeHead(307, { location: '/echo' }).end();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('content-type', 'application/json');
      res.writeHead(201).end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body: Buffer.concat(chunks).toString() }));
    });
  });
  url = server.url;
});
afterEach(() => server.close());

it('sends the method, headers and body and returns status, headers and body', async () => {
  const response = await schedulerFetch()(new Request(`${url}/echo`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: '{"x":1}' }));
  expect(response.status).toBe(201);
  expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  expect(await response.json()).toEqual({ method: 'POST', auth: 'Bearer t', body: '{"x":1}' });
});

it('follows a redirect, keeping the method and body where the status says so', async () => {
  const response = await schedulerFetch()(new Request(`${url}/moved`, { method: 'POST', body: '{"x":2}' }));
  expect(response.status).toBe(201);
  expect(await response.json()).toMatchObject({ method: 'POST', body: '{"x":2}' });
});

it('returns a response without a body for 204', async () => {
  const response = await schedulerFetch()(new Request(`${url}/empty`, { method: 'DELETE' }));
  expect(response.status).toBe(204);
  expect(response.body).toBeNull();
});

it('rejects when the request signal aborts', async () => {
  const request = new Request(`${url}/hang`, { signal: AbortSignal.timeout(100) });
  await expect(schedulerFetch()(request)).rejects.toThrow();
});

it('rejects when nothing listens', async () => {
  await server.close();
  await expect(schedulerFetch()(new Request(`${url}/echo`))).rejects.toThrow();
});
