// The database a test scheduler runs on: a fresh SQLite file, or (FOREMAN_TEST_DB=postgres) a
// fresh schema in the PostgreSQL of FOREMAN_TEST_POSTGRES_URL, dropped afterwards.
import { join } from 'node:path';
import { freshPostgresSchema } from '../../scripts/postgres-schemas.mjs';
import { tempDir } from './temp-dir.js';

export const backend = process.env.FOREMAN_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const postgresUrl = process.env.FOREMAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** What `--db` takes. */
  db: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = tempDir();
    return { db: join(dir.path, 'foreman.db'), drop: async () => dir.remove() };
  }
  const { url, drop } = await freshPostgresSchema(postgresUrl, 'foreman_test');
  return { db: url, drop };
}
