// A replica whose connections to PostgreSQL go silent (a NAT or firewall that forgot them: no
// error, no answer, while new connections work) must notice on its LISTEN connection too, or
// jobs enqueued through other replicas wake its pollers only at its periodic re-check.
import type { ForemanClient } from '@foreman/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, spawnScheduler, type SchedulerProcess } from './support/scheduler.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { backend, createTestDatabase, type TestDatabase } from './support/test-database.js';
import { contractViolations } from './support/validating-fetch.js';
import { enqueue, eventually } from './support/worker-calls.js';

let database: TestDatabase;
let proxy: TcpProxy;
const schedulers: SchedulerProcess[] = [];
let behindProxy: ForemanClient;
let direct: ForemanClient;
beforeAll(async () => {
  if (backend !== 'postgres') return;
  database = await createTestDatabase();
  proxy = new TcpProxy([Number(new URL(database.db).port || 5432)]);
  const viaProxy = new URL(database.db);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(await proxy.listen());
  // Its re-check comes only once a minute: within the test, only a notification wakes its pollers.
  schedulers.push(await spawnScheduler(viaProxy.toString(), ['--db-timeout-ms', '1000', '--db-pool-size', '2', '--sweep-interval-ms', '60000']));
  schedulers.push(await spawnScheduler(database.db));
  [behindProxy, direct] = schedulers.map((scheduler) => clientFor(scheduler.url)) as [ForemanClient, ForemanClient];
});
afterAll(async () => {
  for (const scheduler of schedulers) scheduler.child.kill('SIGKILL');
  await Promise.all(schedulers.map((scheduler) => scheduler.exited));
  await proxy?.close();
  await database?.drop();
  expect(contractViolations).toEqual([]);
});

/** Parks a poll on the replica behind the proxy, enqueues through the other, and times the pickup. */
async function pickupMs(type: string): Promise<number> {
  const parked = behindProxy.POST('/next-job', { body: { worker_id: 'behind-proxy', types: [type], wait_ms: 20_000 } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = performance.now();
  const job = await enqueue(direct, { type });
  const { data, response } = await parked;
  expect(response.status).toBe(200);
  expect(data!.jobs.map((leased) => leased.id)).toEqual([job.id]);
  return performance.now() - started;
}

describe.skipIf(backend !== 'postgres')('a replica whose database connections go silent', () => {
  it('listens again on a new connection and is woken by other replicas within a second', async () => {
    expect(await pickupMs('before')).toBeLessThan(1000);
    proxy.stallExisting();
    // Its pooled connections fail their next query and are replaced; wait until it serves again.
    await eventually(async () => (await behindProxy.POST('/next-job', { body: { worker_id: 'probe', types: ['none'] } })).response.status, (status) => status === 200, 20_000);
    // And until its listening connection has been found silent and replaced (probed every second here).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await pickupMs('after')).toBeLessThan(1000);
  }, 60_000);
});
