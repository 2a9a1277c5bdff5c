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
    await migrateToLatest(db, postgresDialect, await tableSchema(db));
  } finally {
    await db.destroy();
  }
}

/**
 * The schema the tables go in: the connection's current schema, or when none of its search_path
 * exists yet, the first one named there, created now.
 */
async function tableSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ current: string | null; path: string; user: string }>`
    SELECT current_schema() AS current, current_setting('search_path') AS path, current_user AS user`.execute(db);
  const { current, path, user } = rows[0]!;
  if (current) return current;
  const first = searchPathSchemas(path, user)[0];
  if (!first) throw new Error('the search_path is empty: name a schema for the tables (e.g. ?options=-c%20search_path%3Dforeman)');
  try {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(first)}`.execute(db);
  } catch (error) {
    // Another replica starting at the same moment created it first.
    if ((error as { code?: string }).code !== duplicateSchema && (error as { code?: string }).code !== uniqueViolation) throw error;
  }
  return first;
}

const duplicateSchema = '42P06';
const uniqueViolation = '23505';

/** The schema names of a search_path setting, as PostgreSQL reads them: quoted kept, unquoted lower-cased, `$user` resolved. */
export function searchPathSchemas(path: string, user: string): string[] {
  const names: string[] = [];
  for (const match of path.matchAll(/\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/g)) {
    const name = match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]!.toLowerCase();
    names.push(name === '$user' ? user : name);
  }
  return names;
}

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
  const transactor = new PostgresTransactor(db);
  return {
    store: new SqlJobStore(observeTransaction ? timedTransactor(transactor, observeTransaction) : transactor, new JobQueries(db, postgresDialect)),
    feed: new PostgresRunnableFeed(pool, connection),
    clock,
  };
}
