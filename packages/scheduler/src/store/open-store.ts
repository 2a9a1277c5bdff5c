// Picks the storage from the --db setting: a postgres:// URL, or a SQLite file path.
import type { JobStore } from './job-store.js';
import { isPostgresUrl, openPostgresStore } from './postgres/open-postgres-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

export function openStore(db: string): Promise<JobStore> {
  return isPostgresUrl(db) ? openPostgresStore(db) : openSqliteStore(db);
}
