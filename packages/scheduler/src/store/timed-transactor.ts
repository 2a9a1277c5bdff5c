// Measures every write transaction of another transactor, for the transaction-duration metric
// and for telling when the database stops (and starts again) taking writes.
import type { QueryRunner, Transactor } from './transactor.js';

export type TransactionObserver = (outcome: 'commit' | 'error', seconds: number, error?: unknown) => void;

export function timedTransactor(inner: Transactor, observe: TransactionObserver): Transactor {
  return {
    reader: inner.reader,
    async write<T>(work: (tx: QueryRunner) => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        const value = await inner.write(work);
        observe('commit', (performance.now() - started) / 1000);
        return value;
      } catch (error) {
        observe('error', (performance.now() - started) / 1000, error);
        throw error;
      }
    },
    close: () => inner.close(),
  };
}
