// On PostgreSQL every statement is prepared once per connection. A newer replica's migration can
// change a table under statements prepared before it (`SELECT *` then "must not change result
// type"); the scheduler prepares them again instead of failing every request that reuses them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSql } from './support/raw-sql.js';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { backend } from './support/test-database.js';
import { complete, enqueue, getJob, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
beforeAll(async () => {
  if (backend === 'postgres') foreman = await startTestScheduler();
});
afterAll(async () => {
  await foreman?.close();
});

describe.skipIf(backend !== 'postgres')('prepared statements on PostgreSQL', () => {
  it('keeps serving every request after a column is added to the jobs table', async () => {
    // Prepare the hot statements on several of the pool's connections.
    const before = await Promise.all(Array.from({ length: 8 }, () => enqueue(foreman.client, { type: 'prepared' })));
    await Promise.all(before.map((job) => getJob(foreman.client, job.id)));
    const running = await leaseOne(foreman.client, 'w', { types: ['prepared'] });

    await rawSql(foreman.db, 'ALTER TABLE jobs ADD COLUMN added_by_a_newer_version TEXT');

    const reads = await Promise.all(before.map((job) => foreman.client.GET('/jobs/{id}', { params: { path: { id: job.id } } })));
    expect(reads.map(({ response }) => response.status)).toEqual(before.map(() => 200));
    expect((await complete(foreman.client, running, null)).response.status).toBe(200);
    const after = await enqueue(foreman.client, { type: 'prepared' });
    expect((await getJob(foreman.client, after.id)).status).toBe('pending');
    const listed = await foreman.client.GET('/jobs', { params: { query: { type: 'prepared', limit: 50 } } });
    expect(listed.data!.jobs).toHaveLength(9);
  });
});
