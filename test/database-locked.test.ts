// A database held locked by another process answers 503 with Retry-After, never a 500, and
// the scheduler recovers by itself once the lock is gone.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from './support/memory-logger.js';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { backend } from './support/test-database.js';
import { enqueue } from './support/worker-calls.js';

let foreman: TestScheduler;
const log = memoryLogger();
beforeAll(async () => {
  if (backend === 'sqlite') foreman = await startTestScheduler([], { logger: log.logger });
});
afterAll(async () => {
  await foreman?.close();
  expect(contractViolations).toEqual([]);
});

// SQLite's own failure mode: another process holding the file's write lock.
describe.skipIf(backend === 'postgres')('a locked database', () => {
  it('gets 503 with Retry-After while another connection holds the write lock', async () => {
    const intruder = new BetterSqlite3(foreman.db);
    intruder.prepare('BEGIN IMMEDIATE').run();
    try {
      const { error, response } = await foreman.client.POST('/jobs', { body: { type: 'blocked' } });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(error!.title).toMatch(/unavailable/);
      const poll = await foreman.client.POST('/next-job', { body: { worker_id: 'w' } });
      expect(poll.response.status).toBe(503);
    } finally {
      intruder.prepare('ROLLBACK').run();
      intruder.close();
    }
    const job = await enqueue(foreman.client, { type: 'after' });
    const { data } = await foreman.client.GET('/jobs');
    expect(data!.jobs.map((j) => j.id)).toEqual([job.id]);

    // Said once when writes began to fail and once when they worked again, not once per request.
    const said = log.records.filter((record) => /the database (refuses|takes) writes/.test(String(record.msg)));
    expect(said).toEqual([
      expect.objectContaining({ level: 40, reason: expect.stringContaining('SQLITE_BUSY') }),
      expect.objectContaining({ level: 30, msg: 'the database takes writes again', writes_refused: expect.any(Number) }),
    ]);
  });
});
