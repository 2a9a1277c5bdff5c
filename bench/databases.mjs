// The databases a benchmark scheduler runs on: a fresh SQLite file (the default, durable
// settings), or a fresh schema in the PostgreSQL of FOREMAN_BENCH_POSTGRES_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresSchema, withPostgres } from '../scripts/postgres-schemas.mjs';

export const postgresUrl = process.env.FOREMAN_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Null when PostgreSQL answers; otherwise why not. */
export async function postgresUnreachable() {
  try {
    await withPostgres(postgresUrl, (client) => client.query('SELECT 1'));
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
  return freshPostgresSchema(postgresUrl, 'foreman_bench');
}
