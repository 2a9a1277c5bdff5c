#!/usr/bin/env node
// Runs the integration suite against PostgreSQL (FOREMAN_TEST_POSTGRES_URL, default the local
// `test` database). Without a reachable server it says so and skips, unless
// FOREMAN_REQUIRE_POSTGRES=1 (as in CI), where that is a failure.
import { spawnSync } from 'node:child_process';
import { withPostgres } from './postgres-schemas.mjs';

const url = process.env.FOREMAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.FOREMAN_REQUIRE_POSTGRES === '1';

try {
  await withPostgres(url, (client) => client.query('SELECT 1'));
} catch (error) {
  const message = `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${error.message}): the PostgreSQL run of the integration suite is ${required ? 'required and fails' : 'skipped'}.`;
  console.error(message);
  process.exit(required ? 1 : 0);
}

// Loads the machine with several scheduler and agent processes: it runs after the others, alone,
// so that their timing assertions and its own run time do not suffer from each other.
const runAlone = ['test/replica-failover.test.ts'];

function vitest(args) {
  const run = spawnSync('pnpm', ['exec', 'vitest', 'run', ...args], {
    stdio: 'inherit',
    env: { ...process.env, FOREMAN_TEST_DB: 'postgres', FOREMAN_TEST_POSTGRES_URL: url },
  });
  return run.status ?? 1;
}

const together = vitest(['test/', '--exclude', 'test/chaos/**', ...runAlone.flatMap((file) => ['--exclude', file])]);
const alone = vitest(runAlone);
process.exit(together || alone);
