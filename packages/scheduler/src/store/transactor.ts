// How the store runs queries: built once with kysely, executed by a dialect-specific transactor.
import type { Compilable } from 'kysely';

/** Runs compiled kysely queries on one connection, inside a transaction or on a read snapshot. */
export interface QueryRunner {
  all<R>(query: Compilable<R>): Promise<R[]>;
  first<R>(query: Compilable<R>): Promise<R | undefined>;
  /** Runs a statement and resolves to the number of rows it changed. */
  run(query: Compilable<unknown>): Promise<number>;
}

export interface Transactor {
  /**
   * Runs `work` in one write transaction. A transactor may commit the work of several callers
   * together (group commit) but never lets one caller's failure undo another's work.
   */
  write<T>(work: (tx: QueryRunner) => Promise<T>): Promise<T>;
  /** Runs queries that see only committed data. */
  readonly reader: QueryRunner;
  close(): Promise<void>;
}
