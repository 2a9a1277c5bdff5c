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
import { searchPathSchemas, tableSchema } from './search-path.js';
import { discardingPool } from './discarding-pool.js';
import { PostgresRunnableFeed } from './postgres-runnable-feed.js';
import { timedTransactor, type TransactionObserver } from '../timed-transactor.js';
import { PostgresTransactor } from './postgres-transactor.js';

export interface PostgresOptions {
  /** Connections per scheduler replica; claims and reports are short transactions. */
  poolSize: number;
  /** Longest wait for a connection or a query's answer: past it the request gets a 503, not a hang. */
  timeoutMs: number;
}

const defaultOptions: PostgresOptions = { poolSize: 10, timeoutMs: 10_000 };

// BIGINT columns hold milliseconds, well inside a double's exact range.
const int8AsNumber: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Migrates on a connection of its own, with no read timeout: building an index on a large table may take minutes. */
async function migrate(connectionString: string, timeoutMs: number): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: timeoutMs });
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, postgresDialect, await ensureTableSchema(db));
  } finally {
    await db.destroy();
  }
}

/** The schema the tables go in (see `tableSchema`), created first when the search_path names one that does not exist yet. */
async function ensureTableSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ path: string; user: string }>`SELECT current_setting('search_path') AS path, current_user AS user`.execute(db);
  const { path, user } = rows[0]!;
  const named = [...searchPathSchemas(path), user];
  const existing = await sql<{ name: string }>`SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY(${named})`.execute(db);
  const target = tableSchema(path, user, new Set(existing.rows.map((row) => row.name)));
  if (!target) throw new Error('the search_path is empty: name a schema for the tables (e.g. ?options=-c%20search_path%3Dforeman)');
  if (target.create) {
    try {
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(target.schema)}`.execute(db);
    } catch (error) {
      // Another replica starting at the same moment created it first.
      if ((error as { code?: string }).code !== uniqueViolation) throw error;
    }
  }
  return target.schema;
}

const uniqueViolation = '23505';

export async function openPostgresStore(
  connectionString: string,
  { poolSize, timeoutMs }: PostgresOptions = defaultOptions,
  observeTransaction?: TransactionObserver,
): Promise<{ store: JobStore; feed: RunnableFeed; clock: DatabaseClock }> {
  await migrate(connectionString, timeoutMs);
  const connection = { connectionString, connectionTimeoutMillis: timeoutMs, keepAlive: true };
  const pool = new pg.Pool({ ...connection, max: poolSize, types: int8AsNumber, query_timeout: timeoutMs });
  // An idle connection that dies (database restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardingPool(pool) }) });
  const clock = new DatabaseClock(pool);
  try {
    await clock.start();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const transactor = new PostgresTransactor(db, timeoutMs);
  return {
    store: new SqlJobStore(observeTransaction ? timedTransactor(transactor, observeTransaction) : transactor, new JobQueries(db, postgresDialect)),
    feed: new PostgresRunnableFeed(pool, connection, timeoutMs),
    clock,
  };
}
