// Autovacuum tuned for the queue table on PostgreSQL. Every job is rewritten several times
// (leased, completed, retried), and each rewrite leaves a dead row version and dead entries in
// the leasing indexes. The default waits until a fifth of the table is dead, which on a table of
// millions of finished jobs lets hundreds of thousands pile up between vacuums; 2 % keeps the
// leasing indexes small. A lower fillfactor would not help: every update changes an indexed
// column (state, lease deadline), so PostgreSQL cannot keep the new version in place (HOT).
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export function queueTableStorageMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect.name !== 'postgres') return;
      await sql`ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)`.execute(db);
    },
  };
}
