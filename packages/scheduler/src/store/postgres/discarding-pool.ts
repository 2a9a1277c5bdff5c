// The pool kysely draws its connections from. Statements are sent named (`StatementNames`), so
// each connection prepares them once. A connection whose query failed below SQL (a read timeout,
// a dropped socket) is thrown away instead of going back for reuse: after a timeout its query may
// still be in flight, or its transaction still open, and the next request to borrow it would run
// behind that.
import pg from 'pg';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { StatementNames } from './statement-names.js';

/**
 * "cached plan must not change result type": a statement prepared before a schema change. It is
 * prepared again under a new name when retried. (Its SQLSTATE, 0A000, covers every unsupported
 * feature; the routine that raises it tells this case apart.)
 */
export function isStalePreparedStatement(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '0A000' && error.routine === 'RevalidateCachedQuery';
}

/** A server error (any SQLSTATE but connection and shutdown classes) leaves the connection usable. */
function leavesConnectionUsable(error: unknown): boolean {
  return error instanceof pg.DatabaseError && !/^(08|57P0)/.test(error.code ?? '');
}

export function discardingPool(pool: pg.Pool): PostgresPool {
  const names = new StatementNames();
  /** The naming generation each connection prepared its statements under. */
  const generations = new WeakMap<pg.PoolClient, number>();
  const connectCurrent = async (): Promise<pg.PoolClient> => {
    for (;;) {
      const client = await pool.connect();
      const prepared = generations.get(client);
      if (prepared === undefined || prepared === names.generation) {
        generations.set(client, names.generation);
        return client;
      }
      client.release(true);
    }
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await connectCurrent();
      let broken: Error | undefined;
      // pg-pool stops listening while a connection is lent out; an error between two queries
      // of a transaction would otherwise be an uncaught exception.
      const onError = (error: Error) => (broken ??= error);
      client.on('error', onError);
      return {
        query: (async (sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<unknown>> => {
          // The rollback after a timed-out statement fails at once instead of timing out as well.
          if (broken) throw broken;
          try {
            const name = names.nameFor(sql);
            const query = name === undefined ? { text: sql, values: [...parameters] } : { name, text: sql, values: [...parameters] };
            return (await client.query(query)) as PostgresQueryResult<unknown>;
          } catch (error) {
            if (isStalePreparedStatement(error)) names.forget();
            if (!leavesConnectionUsable(error)) broken ??= error as Error;
            throw error;
          }
        }) as PostgresPoolClient['query'],
        release() {
          client.off('error', onError);
          client.release(broken);
        },
      };
    },
    end: () => pool.end(),
  };
}
