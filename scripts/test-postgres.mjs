#!/usr/bin/env node
// Runs the integration suite against PostgreSQL (FOREMAN_TEST_POSTGRES_URL, default the local
// `test` database). Without a reachable server it says so and skips, unless
// FOREMAN_REQUIRE_POSTGRES=1 (as in CI), where that is a failure.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const url = process.env.FOREMAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.FOREMAN_REQUIRE_POSTGRES === '1';

const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.end();
} catch (error) {
  const message = `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${error.message}): the PostgreSQL run of the integration suite is ${required ? 'required and fails' : 'skipped'}.`;
  console.error(message);
  process.exit(required ? 1 : 0);
}

const vitest = spawnSync('pnpm', ['exec', 'vitest', 'run', 'test/', '--exclude', 'test/chaos/**'], {
  stdio: 'inherit',
  env: { ...process.env, FOREMAN_TEST_DB: 'postgres', FOREMAN_TEST_POSTGRES_URL: url },
});
process.exit(vitest.status ?? 1);
