// Runs compiled kysely queries synchronously on a better-sqlite3 connection.
import type { Compilable } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreUnavailableError } from '../../jobs/job-errors.js';
import type { QueryRunner } from '../transactor.js';
import { StatementCache, type CachedStatement } from './statement-cache.js';

/** SQLite result codes (and their extended `_…` forms) that mean "try again later", not "this request is wrong". */
const transientCodes = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN'];

export function translateSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && transientCodes.some((transient) => code === transient || code.startsWith(`${transient}_`))) {
    return new StoreUnavailableError(`The database is unavailable (${code}).`);
  }
  return error;
}

export class SqliteRunner implements QueryRunner {
  private readonly statements: StatementCache;

  constructor(db: BetterSqlite3.Database) {
    this.statements = new StatementCache(db);
  }

  all<R>(query: Compilable<R>): Promise<R[]> {
    return Promise.resolve(this.execute(query, ({ statement, toRow }, parameters) => (statement.all(...parameters) as unknown[][]).map(toRow) as R[]));
  }

  async first<R>(query: Compilable<R>): Promise<R | undefined> {
    return this.execute(query, ({ statement, toRow }, parameters) => {
      const values = statement.get(...parameters) as unknown[] | undefined;
      return values === undefined ? undefined : (toRow(values) as R);
    });
  }

  async run(query: Compilable<unknown>): Promise<number> {
    return this.execute(query, ({ statement }, parameters) =>
      statement.reader ? statement.all(...parameters).length : statement.run(...parameters).changes,
    );
  }

  private execute<T>(query: Compilable<unknown>, use: (cached: CachedStatement, parameters: unknown[]) => T): T {
    const compiled = query.compile();
    try {
      return use(this.statements.get(compiled.sql), compiled.parameters as unknown[]);
    } catch (error) {
      throw translateSqliteError(error);
    }
  }
}
