// One scheduler per SQLite file. Long polls are woken inside the process that took the enqueue,
// so a second scheduler on the same file would leave its pollers waiting out their whole wait
// for jobs the first one enqueued. It is kept out by an OS lock on `<file>-lock` beside the file
// itself (a symbolic link names the same lock), which SQLite takes and the OS drops when the
// process ends, kill -9 included: no stale lock to clear.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface SchedulerLock {
  release(): void;
}

/** The file's own path, through any symbolic links, so that every name of one file shares one lock. */
function resolvedPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  return join(realpathSync(dirname(path)), basename(path));
}

export function holdSchedulerLock(databasePath: string): SchedulerLock {
  const lockPath = `${resolvedPath(databasePath)}-lock`;
  const lock = new BetterSqlite3(lockPath, { timeout: 0 });
  try {
    // In exclusive locking mode SQLite keeps the lock its first transaction takes until the
    // connection closes. The lock file holds nothing, so it needs no journal file beside it.
    lock.pragma('journal_mode = MEMORY');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    lock.exec('COMMIT');
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new Error(`another scheduler serves this database (it holds ${lockPath}); run one per SQLite file, or several on PostgreSQL`);
  }
  return { release: () => lock.close() };
}
