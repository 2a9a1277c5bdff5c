// HTTPS end to end: a scheduler process serving a certificate from a private CA, and a real agent
// process that trusts that CA and sends its token.
import { readFileSync } from 'node:fs';
import { createForemanClient, type ForemanClient } from '@foreman/client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFleet } from './support/agent-process.js';
import { makeCertificates, type TestCertificates } from './support/certificates.js';
import { spawnScheduler, type SchedulerProcess } from './support/scheduler.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { token, tokensFile, type TokensFile } from './support/tokens.js';
import { enqueue, eventually, getJob } from './support/worker-calls.js';

const producer = token('ci', 'producer');
const worker = token('workers', 'worker', 'tls-agent');

let certificates: TestCertificates;
let tokens: TokensFile;
let database: TestDatabase;
let scheduler: SchedulerProcess;
let client: ForemanClient;
const fleet = new AgentFleet();

beforeAll(async () => {
  certificates = makeCertificates();
  tokens = tokensFile([producer, worker]);
  database = await createTestDatabase();
  scheduler = await spawnScheduler(database.db, ['--tls-cert', certificates.cert, '--tls-key', certificates.key, '--tokens-file', tokens.path]);
  const dispatcher = new Agent({ connect: { ca: readFileSync(certificates.ca, 'utf8') } });
  client = createForemanClient({ url: scheduler.url, token: producer.token, fetch: (request: Request) => fetch(request, { dispatcher } as RequestInit) });
});
afterAll(async () => {
  await fleet.killAll();
  scheduler?.child.kill('SIGTERM');
  await scheduler?.exited;
  await database?.drop();
  tokens?.remove();
  certificates?.remove();
});

describe('a scheduler serving HTTPS', () => {
  it('announces an https URL and is not trusted without its CA', async () => {
    expect(scheduler.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${scheduler.url}/healthz`)).rejects.toThrow();
    expect((await client.GET('/healthz')).response.status).toBe(200);
  });

  it('runs a job through an agent process that trusts the private CA and sends its token', async () => {
    fleet.start(scheduler.url, ['--ca-file', certificates.ca, '--token', worker.token, '--worker-id', 'tls-agent', '--wait-ms', '2000']);
    const job = await enqueue(client, { type: 'wait', payload: { ms: 10 } });
    const done = await eventually(() => getJob(client, job.id), (current) => current.status === 'completed', 20_000);
    expect(done).toMatchObject({ status: 'completed', worker_id: 'tls-agent', result: { waited: 10 } });
  });

  it('is not reached by an agent without the CA file: its job stays pending', async () => {
    await fleet.killAll();
    fleet.start(scheduler.url, ['--token', worker.token, '--worker-id', 'tls-agent', '--wait-ms', '2000']);
    const job = await enqueue(client, { type: 'wait', payload: { ms: 10 } });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(fleet.running).toHaveLength(1);
    expect(await getJob(client, job.id)).toMatchObject({ status: 'pending', attempt: 0 });
  });
});
