// PostgreSQL transactions: each write is its own short transaction on a pooled connection; the
// server's own group commit merges concurrent commits.
import type { Kysely } from 'kysely';
import { InvalidInputError, StoreUnavailableError } from '../../jobs/job-errors.js';
import { KyselyRunner } from '../kysely-runner.js';
import { isStalePreparedStatement } from './discarding-pool.js';
import type { Database } from '../schema.js';
import type { QueryRunner, Transactor } from '../transactor.js';
import { waitAtMost } from './wait-at-most.js';

/** SQLSTATEs after which running the whole transaction again is the answer: a unique key taken by a concurrent insert, a serialization failure, a deadlock. */
const retryableStates = new Set(['23505', '40001', '40P01']);
/** Connection-level failures: the database is down, restarting or out of connections. */
const unavailableStates = /^(08|53|57P0)/;
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function translatePostgresError(error: unknown): unknown {
  const code = codeOf(error);
  // Class 22 (data exception): a value the database cannot hold, so the request is at fault.
  if (code?.startsWith('22')) return new InvalidInputError([{ path: '', message: `a value cannot be stored: ${(error as Error).message}` }]);
  const message = (error as Error | null)?.message ?? '';
  if ((code && (unavailableStates.test(code) || unavailableCodes.has(code))) || /Connection terminated|timeout exceeded when trying to connect|Query read timeout/.test(message)) {
    return new StoreUnavailableError(`The database is unavailable (${code ?? message}).`);
  }
  return error;
}

/** A read, run once more if its prepared statement had gone stale. */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read().catch((error: unknown) => (isStalePreparedStatement(error) ? read() : Promise.reject(error)));
  } catch (error) {
    throw translatePostgresError(error);
  }
}

export class PostgresTransactor implements Transactor {
  readonly reader: QueryRunner;

  constructor(
    private readonly db: Kysely<Database>,
    /** The longest closing may wait for the database. */
    private readonly timeoutMs: number,
  ) {
    const runner = new KyselyRunner(db);
    this.reader = {
      all: (query) => reading(() => runner.all(query)),
      first: (query) => reading(() => runner.first(query)),
      run: (query) => reading(() => runner.run(query)),
    };
  }

  async write<T>(work: (tx: QueryRunner) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => work(new KyselyRunner(trx)));
      } catch (error) {
        const code = codeOf(error);
        // A statement prepared before a schema change is prepared afresh by the next attempt.
        if (attempt < 3 && ((code && retryableStates.has(code)) || isStalePreparedStatement(error))) continue;
        throw translatePostgresError(error);
      }
    }
  }

  close(): Promise<void> {
    return waitAtMost(this.db.destroy(), this.timeoutMs);
  }
}
