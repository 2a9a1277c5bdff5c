// Picks the storage from the --db setting: a postgres:// URL, or a SQLite file. Only the
// chosen database's driver is loaded, which keeps the embedded scheduler's memory down.
import { databaseLocation } from './database-url.js';
import type { JobStore } from './job-store.js';
import type { PostgresOptions } from './postgres/open-postgres-store.js';
import type { RunnableFeed } from './runnable-feed.js';
import type { TransactionObserver } from './timed-transactor.js';

export interface Storage {
  store: JobStore;
  /** Present when several schedulers may share the database (PostgreSQL). */
  feed: RunnableFeed | null;
  /** The clock every time-based decision uses: the database's where schedulers share one. */
  now: () => number;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** Applies to a postgres:// database only. */
  postgres?: PostgresOptions;
  /** Told how long each write transaction took, for metrics. */
  observeTransaction?: TransactionObserver;
}

export async function openStorage(db: string, { postgres, observeTransaction }: StorageOptions = {}): Promise<Storage> {
  const location = databaseLocation(db);
  if (location.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite/open-sqlite-store.js');
    const store = await openSqliteStore(location.path, observeTransaction);
    return { store, feed: null, now: Date.now, close: () => store.close() };
  }
  const { openPostgresStore } = await import('./postgres/open-postgres-store.js');
  const { store, feed, clock } = await openPostgresStore(location.url, postgres, observeTransaction);
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
