// GET /readyz: ready only while the database is open and answering; GET /healthz stays a cheap
// liveness check throughout.
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.js';
import { spawnScheduler, startTestScheduler, type SchedulerProcess, type TestScheduler } from './support/scheduler.js';
import { backend, createTestDatabase, type TestDatabase } from './support/test-database.js';
import { contractViolations, validatingFetch } from './support/validating-fetch.js';
import { eventually } from './support/worker-calls.js';

let foreman: TestScheduler | undefined;
let running: SchedulerProcess | undefined;
let database: TestDatabase | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  proxy?.heal();
  running?.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
  await foreman?.close();
  foreman = undefined;
  await proxy?.close();
  proxy = undefined;
  await database?.drop();
  database = undefined;
});

afterAll(() => {
  expect(contractViolations).toEqual([]);
});

async function probe(url: string, path: '/readyz' | '/healthz'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await validatingFetch(`${url}${path}`);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** kysely's migration lock on PostgreSQL: an advisory lock held by a connection, so holding it stalls migrations. */
const migrationLockId = '3853314791062309107';

describe('GET /readyz', () => {
  it('is ready with the database open, and /healthz is ok', async () => {
    foreman = await startTestScheduler();
    expect(await probe(foreman.url, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await probe(foreman.url, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it.skipIf(backend === 'sqlite')('answers 503 starting while migrations run, with the API unavailable, then ready', async () => {
    database = await createTestDatabase();
    const holder = new pg.Client({ connectionString: database.db });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${migrationLockId})`);
      running = await spawnScheduler(database.db, [], { until: 'port' });
      const { url } = running;
      expect(await probe(url, '/readyz')).toMatchObject({ status: 503, body: { status: 'not_ready', reason: 'starting' } });
      expect(await probe(url, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
      const api = await fetch(`${url}/jobs`);
      expect(api.status).toBe(503);
      expect(api.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(${migrationLockId})`);
      await holder.end();
    }
    await eventually(() => probe(running!.url, '/readyz'), ({ status }) => status === 200);
    expect((await fetch(`${running.url}/jobs`)).status).toBe(200);
  });

  it.skipIf(backend === 'sqlite')('answers 503 database_unreachable while the database does not answer, and recovers', async () => {
    database = await createTestDatabase();
    const target = new URL(database.db);
    proxy = new TcpProxy([Number(target.port || 5432)]);
    target.port = String(await proxy.listen());
    foreman = await startTestScheduler(['--db', target.toString()]);
    expect((await probe(foreman.url, '/readyz')).status).toBe(200);

    proxy.stop();
    const down = await eventually(() => probe(foreman!.url, '/readyz'), ({ status }) => status === 503, 10_000);
    expect(down.body).toMatchObject({ status: 'not_ready', reason: 'database_unreachable' });
    expect(await probe(foreman.url, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });

    proxy.heal();
    await eventually(() => probe(foreman!.url, '/readyz'), ({ status }) => status === 200, 10_000);
  });
});
