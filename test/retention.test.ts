// Retention: finished jobs past their retention are deleted with their events, in small batches,
// keeping the job counts right; 0 keeps them forever. Jobs are aged by rewriting their timestamps.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { rawSql } from './support/raw-sql.js';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { complete, enqueue, eventually, fail, leaseOne } from './support/worker-calls.js';

const dayMs = 24 * 60 * 60 * 1000;

let foreman: TestScheduler | undefined;
afterEach(async () => {
  await foreman?.close();
  foreman = undefined;
});
afterAll(() => {
  expect(contractViolations).toEqual([]);
});

async function start(flags: string[]): Promise<TestScheduler> {
  foreman = await startTestScheduler(['--retention-interval-ms', '50', ...flags]);
  return foreman;
}

async function finished(scheduler: TestScheduler, type: string, outcome: 'completed' | 'failed' | 'cancelled', parentId?: string): Promise<string> {
  const job = await enqueue(scheduler.client, { type, payload: {}, max_attempts: 1, ...(parentId && { parent_id: parentId }) });
  if (outcome === 'cancelled') {
    await scheduler.client.POST('/jobs/{id}/cancel', { params: { path: { id: job.id } } });
    return job.id;
  }
  const leased = await leaseOne(scheduler.client, 'retention-worker', { types: [type] });
  const { response } = outcome === 'completed' ? await complete(scheduler.client, leased) : await fail(scheduler.client, leased, { message: 'no', retryable: false });
  expect(response.status).toBe(200);
  return job.id;
}

/** Makes a job look created and finished `days` ago. */
async function age(db: string, id: string, days: number): Promise<void> {
  const then = Date.now() - days * dayMs;
  await rawSql(db, 'UPDATE jobs SET created_at = ?, finished_at = ? WHERE id = ?', [then - 1000, then, id]);
}

async function exists(scheduler: TestScheduler, id: string): Promise<boolean> {
  const { response } = await scheduler.client.GET('/jobs/{id}', { params: { path: { id } } });
  return response.status === 200;
}

async function eventCount(db: string, id: string): Promise<number> {
  const [row] = await rawSql<{ count: number | string }>(db, 'SELECT count(*) AS count FROM job_events WHERE job_id = ?', [id]);
  return Number(row!.count);
}

/** The kept counts (their stripes and the rows from before stripes, summed) agree with the jobs table. */
async function countsAgree(db: string): Promise<void> {
  const kept = await rawSql<{ queue: string; type: string; status: string; count: number | string }>(
    db,
    `SELECT queue, type, status, SUM(count) AS count
       FROM (SELECT queue, type, status, count FROM job_count_stripes UNION ALL SELECT queue, type, status, count FROM job_counts) counted
      GROUP BY queue, type, status HAVING SUM(count) <> 0`,
  );
  const actual = await rawSql<{ queue: string; type: string; status: string; count: number | string }>(db, 'SELECT queue, type, status, count(*) AS count FROM jobs GROUP BY queue, type, status');
  const normalise = (rows: typeof kept) => rows.map((row) => `${row.queue}/${row.type}/${row.status}=${Number(row.count)}`).sort();
  expect(normalise(kept)).toEqual(normalise(actual));
}

describe('retention', () => {
  it('deletes completed jobs after 7 days and failed or cancelled ones after 30, with their events', async () => {
    const scheduler = await start(['--retention-batch-size', '2']);
    const oldCompleted = await Promise.all([1, 2, 3, 4, 5].map(() => finished(scheduler, 'old-done', 'completed')));
    const recentCompleted = await finished(scheduler, 'recent-done', 'completed');
    const oldFailed = await finished(scheduler, 'old-failed', 'failed');
    const recentFailed = await finished(scheduler, 'recent-failed', 'failed');
    const oldCancelled = await finished(scheduler, 'old-cancelled', 'cancelled');
    const running = await enqueue(scheduler.client, { type: 'still-running', payload: {} });
    await leaseOne(scheduler.client, 'retention-worker', { types: ['still-running'] });

    expect(await eventCount(scheduler.db, oldFailed)).toBeGreaterThan(0);
    for (const id of oldCompleted) await age(scheduler.db, id, 8);
    await age(scheduler.db, recentCompleted, 6);
    await age(scheduler.db, oldFailed, 31);
    await age(scheduler.db, recentFailed, 20);
    await age(scheduler.db, oldCancelled, 31);
    await rawSql(scheduler.db, 'UPDATE jobs SET created_at = ? WHERE id = ?', [Date.now() - 40 * dayMs, running.id]);

    const doomed = [...oldCompleted, oldFailed, oldCancelled];
    await eventually(async () => (await Promise.all(doomed.map((id) => exists(scheduler, id)))).filter(Boolean).length, (left) => left === 0);
    for (const id of doomed) expect(await eventCount(scheduler.db, id)).toBe(0);
    for (const id of [recentCompleted, recentFailed, running.id]) expect(await exists(scheduler, id)).toBe(true);
    await countsAgree(scheduler.db);
    const stats = (await scheduler.client.GET('/stats')).data!;
    expect(stats.types['old-done']?.completed ?? 0).toBe(0);
    expect(stats.types['recent-done']?.completed).toBe(1);
  });

  it('keeps a parent whose child has not finished', async () => {
    const scheduler = await start([]);
    const parent = await finished(scheduler, 'parent', 'completed');
    const child = await enqueue(scheduler.client, { type: 'child', payload: {}, parent_id: parent });
    const lonely = await finished(scheduler, 'parent', 'completed');
    await age(scheduler.db, parent, 8);
    await age(scheduler.db, lonely, 8);

    await eventually(() => exists(scheduler, lonely), (present) => !present);
    expect(await exists(scheduler, parent)).toBe(true);

    const leased = await leaseOne(scheduler.client, 'retention-worker', { types: ['child'] });
    expect(leased.id).toBe(child.id);
    await complete(scheduler.client, leased);
    await eventually(() => exists(scheduler, parent), (present) => !present);
    expect(await exists(scheduler, child.id)).toBe(true);
    await countsAgree(scheduler.db);
  });

  it('keeps everything forever with 0', async () => {
    const scheduler = await start(['--retain-completed-days', '0', '--retain-failed-days', '0']);
    const done = await finished(scheduler, 'forever', 'completed');
    const failed = await finished(scheduler, 'forever', 'failed');
    await age(scheduler.db, done, 3650);
    await age(scheduler.db, failed, 3650);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await exists(scheduler, done)).toBe(true);
    expect(await exists(scheduler, failed)).toBe(true);
  });
});
