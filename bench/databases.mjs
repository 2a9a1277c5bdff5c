// The databases a benchmark scheduler runs on: a fresh SQLite file (the default, durable
// settings), or a fresh schema in the PostgreSQL of FOREMAN_BENCH_POSTGRES_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const postgresUrl = process.env.FOREMAN_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function withPostgres(use) {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Null when PostgreSQL answers; otherwise why not. */
export async function postgresUnreachable() {
  try {
    await withPostgres((client) => client.query('SELECT 1'));
    return null;
  } catch (error) {
    return error.message;
  }
}

/** `url` is what the scheduler's `--db` takes; `drop` removes the database after the run. */
export async function freshDatabase(kind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'foreman-bench-'));
    return { url: join(dir, 'foreman.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `foreman_bench_${randomBytes(6).toString('hex')}`;
  await withPostgres((client) => client.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => withPostgres((client) => client.query(`DROP SCHEMA ${schema} CASCADE`)) };
}
