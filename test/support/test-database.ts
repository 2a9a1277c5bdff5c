// The database a test scheduler runs on: a fresh SQLite file, or (FOREMAN_TEST_DB=postgres) a
// fresh schema in the PostgreSQL of FOREMAN_TEST_POSTGRES_URL, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { tempDir } from './temp-dir.js';

export const backend = process.env.FOREMAN_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const postgresUrl = process.env.FOREMAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** What `--db` takes. */
  db: string;
  drop(): Promise<void>;
}

async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = tempDir();
    return { db: join(dir.path, 'foreman.db'), drop: async () => dir.remove() };
  }
  const schema = `foreman_test_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { db: url.toString(), drop: () => withClient(async (client) => void (await client.query(`DROP SCHEMA ${schema} CASCADE`))) };
}
