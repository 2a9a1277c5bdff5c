// Brings a database's schema up to date on start.
import { Migrator, type Kysely } from 'kysely';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * `schema` names the PostgreSQL schema the tables live in: kysely looks for its migration tables
 * across every schema otherwise, and would take another schema's for this one's.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: 'foreman_migrations',
    migrationLockTableName: 'foreman_migrations_lock',
    ...(schema && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error ?? `migration ${failed?.migrationName} failed`));
    throw new Error(`The database schema could not be migrated: ${cause.message}`, { cause });
  }
}
