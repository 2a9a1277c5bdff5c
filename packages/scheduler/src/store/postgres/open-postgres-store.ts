// Opens (and migrates) a PostgreSQL database for the scheduler.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { JobQueries } from '../job-queries.js';
import type { JobStore } from '../job-store.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { postgresDialect } from '../sql-dialect.js';
import { SqlJobStore } from '../sql-job-store.js';
import type { RunnableFeed } from '../runnable-feed.js';
import { DatabaseClock } from './database-clock.js';
import { PostgresRunnableFeed } from './postgres-runnable-feed.js';
import { timedTransactor, type TransactionObserver } from '../timed-transactor.js';
import { PostgresTransactor } from './postgres-transactor.js';

/** Connections per scheduler replica; claims and reports are short transactions. */
export const postgresPoolSize = 10;

// BIGINT columns hold milliseconds, well inside a double's exact range.
const int8AsNumber: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export async function openPostgresStore(connectionString: string, observeTransaction?: TransactionObserver): Promise<{ store: JobStore; feed: RunnableFeed; clock: DatabaseClock }> {
  const pool = new pg.Pool({ connectionString, max: postgresPoolSize, types: int8AsNumber, connectionTimeoutMillis: 5000 });
  // An idle connection that dies (database restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const clock = new DatabaseClock(pool);
  try {
    const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
    await migrateToLatest(db, postgresDialect, rows[0]!.schema);
    await clock.start();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const transactor = new PostgresTransactor(db);
  return {
    store: new SqlJobStore(observeTransaction ? timedTransactor(transactor, observeTransaction) : transactor, new JobQueries(db, postgresDialect)),
    feed: new PostgresRunnableFeed(pool, connectionString),
    clock,
  };
}
