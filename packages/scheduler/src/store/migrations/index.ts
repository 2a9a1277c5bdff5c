// All migrations in order; kysely's Migrator applies the ones a database has not seen yet.
import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';
import { initialMigration } from './001-initial.js';
import { jobCountsMigration } from './002-job-counts.js';
import { workerDrainMigration } from './003-worker-drain.js';
import { queueTableStorageMigration } from './004-queue-table-storage.js';
import { countStripesMigration } from './005-count-stripes.js';

export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '001-initial': initialMigration(dialect),
        '002-job-counts': jobCountsMigration,
        '003-worker-drain': workerDrainMigration(dialect),
        '004-queue-table-storage': queueTableStorageMigration(dialect),
        '005-count-stripes': countStripesMigration,
      };
    },
  };
}
