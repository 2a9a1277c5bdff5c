// Opens (creating and migrating as needed) the embedded SQLite database.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { JobQueries } from '../job-queries.js';
import type { JobStore } from '../job-store.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { sqliteDialect } from '../sql-dialect.js';
import { SqlJobStore } from '../sql-job-store.js';
import { timedTransactor, type TransactionObserver } from '../timed-transactor.js';
import { holdSchedulerLock, type SchedulerLock } from './scheduler-lock.js';
import { SqliteTransactor } from './sqlite-transactor.js';

/**
 * How long a statement waits for another process's lock before the request gets a 503.
 * better-sqlite3 waits synchronously, so this also bounds how long the event loop can stall.
 */
export const sqliteBusyTimeoutMs = 250;

/**
 * Creates a directory and its missing parents. Not `mkdirSync(…, { recursive: true })`: under a
 * directory that refuses new entries without saying EEXIST (`/proc`), Node 20's loops forever.
 */
function ensureDirectory(path: string): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new Error(`${path} is not a directory`);
    return;
  }
  const parent = dirname(path);
  if (parent !== path) ensureDirectory(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export async function openSqliteStore(path: string, observeTransaction?: TransactionObserver): Promise<JobStore> {
  ensureDirectory(dirname(path));
  const lock = holdSchedulerLock(path);
  try {
    return await openLocked(path, lock, observeTransaction);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openLocked(path: string, lock: SchedulerLock, observeTransaction?: TransactionObserver): Promise<JobStore> {
  const writeDb = new BetterSqlite3(path);
  // WAL lets the listing connection read while a batch commits; synchronous=FULL fsyncs every
  // commit, so a 2xx survives a power cut. Speed comes from group commit, not weaker durability.
  writeDb.pragma('journal_mode = WAL');
  writeDb.pragma('synchronous = FULL');
  writeDb.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
  // Each write in a group commit runs in a savepoint, whose statement journal would otherwise be
  // a temporary file (measured: reports 117 → 95 µs a job through the store).
  writeDb.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: writeDb }) });
  await migrateToLatest(db, sqliteDialect);

  const readDb = new BetterSqlite3(path, { readonly: true });
  readDb.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
  const transactor = new SqliteTransactor(writeDb, readDb, lock);
  return new SqlJobStore(observeTransaction ? timedTransactor(transactor, observeTransaction) : transactor, new JobQueries(db, sqliteDialect));
}
