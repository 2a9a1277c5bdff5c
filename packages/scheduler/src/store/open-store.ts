// Picks the storage from the --db setting: a postgres:// URL, or a SQLite file path.
import type { JobStore } from './job-store.js';
import { isPostgresUrl, openPostgresStore } from './postgres/open-postgres-store.js';
import type { RunnableFeed } from './runnable-feed.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

export interface Storage {
  store: JobStore;
  /** Present when several schedulers may share the database (PostgreSQL). */
  feed: RunnableFeed | null;
}

export async function openStorage(db: string): Promise<Storage> {
  return isPostgresUrl(db) ? openPostgresStore(db) : { store: await openSqliteStore(db), feed: null };
}
