// The first schema: jobs, their event history and the agents seen polling.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export function initialMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('backoff_strategy', 'text', (c) => c.notNull())
        .addColumn('backoff_base_ms', dialect.millisType, (c) => c.notNull())
        .addColumn('backoff_max_ms', dialect.millisType, (c) => c.notNull())
        .addColumn('backoff_jitter', 'integer', (c) => c.notNull())
        .addColumn('timeout_ms', dialect.millisType, (c) => c.notNull())
        .addColumn('lease_ms', dialect.millisType, (c) => c.notNull())
        .addColumn('run_at', dialect.millisType, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('parent_id', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('lease_expires_at', dialect.millisType)
        .addColumn('progress', 'text')
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('cancel_requested', 'integer', (c) => c.notNull())
        .addColumn('created_at', dialect.millisType, (c) => c.notNull())
        .addColumn('updated_at', dialect.millisType, (c) => c.notNull())
        .addColumn('started_at', dialect.millisType)
        .addColumn('finished_at', dialect.millisType)
        .execute();

      // The API status, derived by the database so listings can be indexed by it. It also keeps
      // `state` out of the listing indexes: SQLite's planner, seeing `state = ?` lead an index,
      // would prefer it to the partial leasing indexes below and sort the whole backlog.
      await sql`ALTER TABLE jobs ADD COLUMN status TEXT GENERATED ALWAYS AS (CASE WHEN state IN ('scheduled', 'available') THEN 'pending' ELSE state END) ${sql.raw(dialect.generatedColumnStorage)}`.execute(db);

      // Leasing reads only runnable jobs, in lease order; the partial indexes stay as small as the
      // backlog however many finished jobs the table holds. A claim for several types or queues
      // reads each one's index and merges, so every read stops after `max` rows.
      await sql`CREATE INDEX jobs_lease_order ON jobs (priority DESC, run_at, id) WHERE state = 'available'`.execute(db);
      await sql`CREATE INDEX jobs_type_lease_order ON jobs (type, priority DESC, run_at, id) WHERE state = 'available'`.execute(db);
      await sql`CREATE INDEX jobs_queue_lease_order ON jobs (queue, priority DESC, run_at, id) WHERE state = 'available'`.execute(db);
      await sql`CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'scheduled'`.execute(db);
      await sql`CREATE INDEX jobs_lease_deadline ON jobs (lease_expires_at) WHERE state = 'running'`.execute(db);
      await sql`CREATE INDEX jobs_running_by_worker ON jobs (worker_id) WHERE state = 'running'`.execute(db);
      await sql`CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(db);
      // Listing is newest first. Each filter (status, type, queue, parent) and each pairing of
      // status with type or queue has an index that yields rows in that order, so a page reads
      // about `limit` rows however large the table; several statuses are read one by one and merged.
      await sql`CREATE INDEX jobs_created ON jobs (created_at, id)`.execute(db);
      await sql`CREATE INDEX jobs_type_created ON jobs (type, created_at, id)`.execute(db);
      await sql`CREATE INDEX jobs_queue_created ON jobs (queue, created_at, id)`.execute(db);
      await sql`CREATE INDEX jobs_status_created ON jobs (status, created_at, id)`.execute(db);
      await sql`CREATE INDEX jobs_type_status_created ON jobs (type, status, created_at, id)`.execute(db);
      await sql`CREATE INDEX jobs_queue_status_created ON jobs (queue, status, created_at, id)`.execute(db);
      await sql`CREATE INDEX jobs_parent_created ON jobs (parent_id, created_at, id) WHERE parent_id IS NOT NULL`.execute(db);

      await db.schema
        .createTable('job_events')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', dialect.millisType, (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('worker_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX job_events_job ON job_events (job_id, id)`.execute(db);

      await db.schema
        .createTable('workers')
        .addColumn('worker_id', 'text', (c) => c.primaryKey())
        .addColumn('first_seen', dialect.millisType, (c) => c.notNull())
        .addColumn('last_seen', dialect.millisType, (c) => c.notNull())
        .addColumn('types', 'text')
        .addColumn('queues', 'text')
        .addColumn('agent', 'text')
        .execute();
      await sql`CREATE INDEX workers_last_seen ON workers (last_seen)`.execute(db);
    },
  };
}
