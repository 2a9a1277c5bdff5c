// Reaches into a test scheduler's database directly, for what the API cannot do: age jobs by
// rewriting their timestamps, or check rows the API no longer shows.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { backend } from './test-database.js';

/** Runs one statement with `?` placeholders; returns the rows it selected. */
export async function rawSql<T = Record<string, unknown>>(db: string, statement: string, params: unknown[] = []): Promise<T[]> {
  if (backend === 'sqlite') {
    const connection = new BetterSqlite3(db);
    connection.pragma('busy_timeout = 5000');
    try {
      const prepared = connection.prepare(statement);
      return prepared.reader ? (prepared.all(...params) as T[]) : (prepared.run(...params), []);
    } finally {
      connection.close();
    }
  }
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    let index = 0;
    const { rows } = await client.query(statement.replace(/\?/g, () => `$${++index}`), params);
    return rows as T[];
  } finally {
    await client.end();
  }
}
