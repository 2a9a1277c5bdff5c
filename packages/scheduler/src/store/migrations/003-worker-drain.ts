// An operator's request that an agent stop taking work, kept in the database so that every
// replica answers the agent's next poll or heartbeat with it.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export function workerDrainMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('workers').addColumn('drain_requested_at', dialect.millisType).execute();
      // Each replica re-reads the draining workers every second; this keeps that read tiny.
      await sql`CREATE INDEX workers_draining ON workers (worker_id) WHERE drain_requested_at IS NOT NULL`.execute(db);
    },
  };
}
