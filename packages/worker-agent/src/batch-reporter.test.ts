import { createForemanClient, type Job } from '@foreman/client';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createBatchReporter } from './batch-reporter.js';
import { createOutageTracker } from './outage.js';
import { listenOnLoopback, type LoopbackServer } from './test-support/loopback-server.js';

// A scheduler from before `return_jobs`: its strict schema refuses the field as unknown.
let server: LoopbackServer;
const bodies: Array<Record<string, unknown>> = [];

beforeEach(async () => {
  bodies.length = 0;
  server = await listenOnLoopback((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { reports: Array<{ id: string }>; return_jobs?: boolean };
      bodies.push(body);
      if ('return_jobs' in body) {
        const problem = { type: 'urn:foreman:problem:invalid-input', title: 'The request is invalid', status: 400, errors: [{ path: '/return_jobs', message: 'is not a known field' }] };
        return res.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem));
      }
      const results = body.reports.map(({ id }) => ({ id, status: 200, job: null, problem: null }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results, jobs: [] }));
    });
  });
});
afterEach(() => server.close());

it('asks a scheduler that refuses return_jobs again without it, and from then on', async () => {
  const logger = pino({ level: 'silent' });
  const singles: string[] = [];
  const report = createBatchReporter({
    client: createForemanClient({ url: server.url }),
    workerId: 'w',
    outage: createOutageTracker(logger),
    single: async (job) => void singles.push(job.id),
  });
  const job = (id: string) => ({ id, version: 2 }) as Job;
  await report(job('a'), { status: 'completed', result: null }, logger);
  await report(job('b'), { status: 'completed', result: null }, logger);
  expect(bodies.map((body) => [(body.reports as Array<{ id: string }>).map((r) => r.id).join(), 'return_jobs' in body])).toEqual([
    ['a', true],
    ['a', false],
    ['b', false],
  ]);
  expect(singles).toEqual([]);
});
