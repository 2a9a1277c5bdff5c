// kill -9 of the scheduler process: every acknowledged enqueue and report survives a restart on
// the same database file, and jobs whose worker is gone run again after their lease.
import { afterEach, describe, expect, it } from 'vitest';
import { clientFor, spawnScheduler, type SchedulerProcess } from './support/scheduler.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { complete, eventually, getJob, leaseJobs } from './support/worker-calls.js';

let running: SchedulerProcess | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  await database?.drop();
});

describe('kill -9 of the scheduler', () => {
  it('loses no acknowledged job or report and re-runs abandoned leases', async () => {
    database = await createTestDatabase();
    const db = database.db;
    running = await spawnScheduler(db, ['--sweep-interval-ms', '50']);
    let client = clientFor(running.url);

    const acknowledged = new Set<string>();
    let stop = false;
    const producers = Array.from({ length: 10 }, async (_, producer) => {
      for (let i = 0; !stop; i++) {
        try {
          const { data } = await client.POST('/jobs', { body: { type: 'crash-test', payload: { producer, i }, lease_ms: 5000 } });
          if (data) acknowledged.add(data.id);
        } catch {
          return; // the scheduler died mid-request: that enqueue was never acknowledged
        }
      }
    });
    await eventually(async () => acknowledged.size, (size) => size >= 300);
    const leased = await leaseJobs(client, 'doomed-worker', { max: 20 });
    const reported = leased.slice(0, 10);
    for (const job of reported) expect((await complete(client, job, 'done')).response.status).toBe(200);

    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    stop = true;
    await Promise.all(producers);

    running = await spawnScheduler(db, ['--sweep-interval-ms', '50']);
    client = clientFor(running.url);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const { response } = await client.GET('/jobs/{id}', { params: { path: { id } } });
      if (response.status !== 200) missing.push(id);
    }
    expect(missing).toEqual([]);
    for (const job of reported) expect(await getJob(client, job.id)).toMatchObject({ status: 'completed', result: 'done' });

    const abandoned = leased.slice(10);
    for (const job of abandoned) {
      const rerun = await eventually(() => getJob(client, job.id), (j) => j.status === 'pending' && j.attempt === 1);
      expect(rerun.error).toMatchObject({ code: 'lease_expired' });
    }
  });
});
