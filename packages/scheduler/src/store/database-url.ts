// Which database a --db setting names, decided without loading either database's driver.
import { fileURLToPath } from 'node:url';

export type DatabaseLocation = { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };

export class UnsupportedDatabaseError extends Error {}

/** Two letters or more, so that a Windows drive (`C:\jobs.db`) still reads as a path. */
const urlScheme = /^([A-Za-z][A-Za-z0-9+.-]+):/;
const inMemory = /^(?:(?:sqlite|file):)?:memory:/i;

/**
 * A `postgres://` or `postgresql://` URL; otherwise a SQLite file, given as a path, a `file:` URL
 * or `sqlite:` followed by a path (`sqlite:///var/lib/foreman.db`, `sqlite:data/foreman.db`).
 * Anything else is refused rather than taken for a file name: `mysql://host/db` must not quietly
 * become a SQLite file under a directory named `mysql:`.
 */
export function databaseLocation(db: string): DatabaseLocation {
  const scheme = urlScheme.exec(db)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', url: db };
  // Each SQLite connection would open its own empty in-memory database, and jobs must outlive the process anyway.
  if (inMemory.test(db)) throw new UnsupportedDatabaseError('an in-memory database would lose every job at exit; give a SQLite file path');
  let path = db;
  if (scheme === 'file') path = filePath(db);
  else if (scheme === 'sqlite') path = db.slice('sqlite:'.length).replace(/^\/\//, '');
  else if (scheme !== undefined) {
    throw new UnsupportedDatabaseError(`a ${scheme}: database is not supported; give a SQLite file path or a postgres:// URL`);
  }
  if (path === '') throw new UnsupportedDatabaseError('give a SQLite file path after sqlite:');
  return { kind: 'sqlite', path };
}

function filePath(url: string): string {
  let parsed;
  try {
    parsed = new URL(url);
    // SQLite's own URI options (`?mode=ro`) would be dropped silently: the file is opened read-write.
    if (parsed.search || parsed.hash) throw new UnsupportedDatabaseError(`${url}: a file: URL here takes no options (${parsed.search || parsed.hash}); give the path alone`);
    return fileURLToPath(parsed);
  } catch (error) {
    if (error instanceof UnsupportedDatabaseError) throw error;
    throw new UnsupportedDatabaseError(`${url} is not a file URL of this machine (${(error as Error).message})`);
  }
}
