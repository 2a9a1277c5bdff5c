// Picks the storage from the --db setting: a postgres:// URL, or a SQLite file path.
import type { JobStore } from './job-store.js';
import { isPostgresUrl, openPostgresStore, type PostgresOptions } from './postgres/open-postgres-store.js';
import type { RunnableFeed } from './runnable-feed.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

export interface Storage {
  store: JobStore;
  /** Present when several schedulers may share the database (PostgreSQL). */
  feed: RunnableFeed | null;
  /** The clock every time-based decision uses: the database's where schedulers share one. */
  now: () => number;
  close(): Promise<void>;
}

/** `postgres` applies to a postgres:// database only. */
export async function openStorage(db: string, postgres?: PostgresOptions): Promise<Storage> {
  if (!isPostgresUrl(db)) {
    const store = await openSqliteStore(db);
    return { store, feed: null, now: Date.now, close: () => store.close() };
  }
  const { store, feed, clock } = await openPostgresStore(db, postgres);
  return {
    store,
    feed,
    now: clock.now,
    async close() {
      clock.stop();
      await store.close();
    },
  };
}
