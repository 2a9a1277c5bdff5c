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

/**
 * Parks a poll on the replica behind the proxy and enqueues through the other: how long the
 * pickup took, or null when the poll's `waitMs` ran out first (no notification reached it).
 */
async function pickupMs(type: string, waitMs: number): Promise<number | null> {
  const parked = behindProxy.POST('/next-job', { body: { worker_id: 'behind-proxy', types: [type], wait_ms: waitMs } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = performance.now();
  const job = await enqueue(direct, { type });
  const { data, response } = await parked;
  expect(response.status).toBe(200);
  if (!data!.jobs.length) return null;
  expect(data!.jobs.map((leased) => leased.id)).toEqual([job.id]);
  return performance.now() - started;
}

describe.skipIf(backend !== 'postgres')('a replica whose database connections go silent', () => {
  it('listens again on a new connection and is woken by other replicas within a second', async () => {
    expect(await pickupMs('before', 20_000)).toBeLessThan(1000);
    proxy.stallExisting();
    // Its pooled connections fail their next query and are replaced; wait until it serves again.
    await eventually(async () => (await behindProxy.POST('/next-job', { body: { worker_id: 'probe', types: ['none'] } })).response.status, (status) => status === 200, 20_000);
    // Its listening connection is probed every second here: found silent and replaced within
    // seconds, after which a notification wakes its poll at once. Without the probe, none ever does.
    let attempt = 0;
    const woken = await eventually(() => pickupMs(`after-${attempt++}`, 1500), (ms) => ms !== null && ms < 1000, 30_000);
    expect(woken).toBeLessThan(1000);
  }, 60_000);
});
