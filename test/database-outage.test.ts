// PostgreSQL becomes unreachable under a running scheduler process, first as a network partition
// (every byte held), then as a database that is gone (connections dropped and refused). Meanwhile
// requests get 503 problems with Retry-After within the configured timeout, not a 500 or a hang;
// when the database is back, the same process serves enqueue, lease and complete again, and no
// acknowledged job or lease is lost.
import type { ForemanClient, Job } from '@foreman/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, spawnScheduler, type SchedulerProcess } from './support/scheduler.js';
import { TcpProxy, type Cut } from './support/tcp-proxy.js';
import { backend, createTestDatabase, type TestDatabase } from './support/test-database.js';
import { contractViolations } from './support/validating-fetch.js';
import { complete, enqueue, eventually, leaseOne } from './support/worker-calls.js';

const timeoutMs = 1000;

let database: TestDatabase;
let proxy: TcpProxy;
let scheduler: SchedulerProcess;
let client: ForemanClient;
beforeAll(async () => {
  if (backend !== 'postgres') return;
  database = await createTestDatabase();
  const direct = new URL(database.db);
  proxy = new TcpProxy([Number(direct.port || 5432)]);
  const viaProxy = new URL(database.db);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(await proxy.listen());
  scheduler = await spawnScheduler(viaProxy.toString(), ['--db-timeout-ms', String(timeoutMs), '--sweep-interval-ms', '200']);
  client = clientFor(scheduler.url);
});
afterAll(async () => {
  scheduler?.child.kill('SIGKILL');
  await scheduler?.exited;
  await proxy?.close();
  await database?.drop();
  expect(contractViolations).toEqual([]);
});

/** Every kind of request a scheduler serves, each expected to be refused with a 503 problem. */
function requestsDuringOutage(running: Job): Array<[string, () => Promise<{ response: Response; error?: unknown }>]> {
  return [
    ['enqueue', () => client.POST('/jobs', { body: { type: 'outage' } })],
    ['lease', () => client.POST('/next-job', { body: { worker_id: 'during-outage', wait_ms: 0 } })],
    ['complete', () => complete(client, running, { too: 'early' })],
    ['heartbeat', () => client.POST('/jobs/{id}/heartbeat', { params: { path: { id: running.id } }, body: { worker_id: running.worker_id!, version: running.version } })],
    ['read', () => client.GET('/jobs/{id}', { params: { path: { id: running.id } } })],
  ];
}

async function expectUnavailable(running: Job): Promise<void> {
  await Promise.all(
    requestsDuringOutage(running).map(async ([name, send]) => {
      const started = performance.now();
      const { response, error } = await send();
      expect(response.status, name).toBe(503);
      expect(response.headers.get('retry-after'), name).toMatch(/^\d+$/);
      expect(response.headers.get('content-type'), name).toBe('application/problem+json');
      expect(error, name).toMatchObject({ type: 'urn:foreman:problem:unavailable', status: 503 });
      // A connection wait or a query read, and the rollback after it, each bounded by the timeout.
      expect(performance.now() - started, name).toBeLessThan(4 * timeoutMs + 2000);
    }),
  );
}

/** The database is back when an enqueue succeeds; until then the scheduler keeps answering 503. */
async function recovered(): Promise<Job> {
  return eventually(
    async () => {
      const { data, response } = await client.POST('/jobs', { body: { type: 'outage' } });
      expect([201, 503]).toContain(response.status);
      return data;
    },
    (job) => job !== undefined,
    15_000,
  ).then((job) => job!);
}

describe.skipIf(backend !== 'postgres')('a scheduler whose database becomes unreachable', () => {
  it.each<[string, Cut]>([
    ['a network partition', 'hold'],
    ['a database that is gone', 'reset'],
  ])('answers 503 during %s and recovers by itself afterwards', async (_, cut) => {
    const before = await enqueue(client, { type: 'outage' });
    const running = await leaseOne(client, 'before-outage', { types: ['outage'] });

    proxy.stop(cut);
    await expectUnavailable(running);
    // Still unavailable, not crashed, a while into the outage.
    await new Promise((resolve) => setTimeout(resolve, 2 * timeoutMs));
    await expectUnavailable(running);
    expect(scheduler.child.exitCode).toBeNull();

    proxy.heal();
    const after = await recovered();
    // The lease taken before the outage still holds: its worker completes it.
    expect((await complete(client, running, { survived: true })).response.status).toBe(200);
    // Whatever else is pending (the job enqueued before, the one after, any that a refused
    // request's transaction committed) is leased and completed as usual.
    const ids = new Set([before.id, after.id].filter((id) => id !== running.id));
    while (ids.size) {
      const job = await leaseOne(client, 'after-outage', { types: ['outage'] });
      expect((await complete(client, job)).response.status).toBe(200);
      ids.delete(job.id);
    }
    for (const id of [before.id, running.id, after.id]) {
      const { data } = await client.GET('/jobs/{id}', { params: { path: { id } } });
      expect(data!.status, id).toBe('completed');
    }
    expect(scheduler.child.exitCode).toBeNull();
  }, 60_000);

  it('stops promptly on SIGTERM while the database does not answer', async () => {
    proxy.stop('hold');
    const inFlight = [
      client.POST('/jobs', { body: { type: 'outage' } }),
      client.POST('/next-job', { body: { worker_id: 'w', wait_ms: 20_000 } }),
      client.GET('/stats'),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedAt = performance.now();
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exited).toBe(0);
    // Closing waits for the database no longer than the database timeout allows, not the 30 s deadline.
    expect(performance.now() - stoppedAt).toBeLessThan(4 * timeoutMs + 2000);
    expect(scheduler.logs.some((entry) => entry.msg === 'foreman scheduler stopped')).toBe(true);
    // Each was answered (a 503, or an empty lease for the long poll) or cut off at the end; none hangs.
    await Promise.allSettled(inFlight);
  }, 60_000);
});
