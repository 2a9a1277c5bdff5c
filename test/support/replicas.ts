// Scheduler replicas in this process on one fresh PostgreSQL database, started before a test file's
// tests and stopped after them; on SQLite, none start (those files skip their tests).
import { parseConfig, startScheduler, type RunningScheduler } from '@foreman/scheduler';
import { afterAll, beforeAll, expect } from 'vitest';
import { backend, createTestDatabase, type TestDatabase } from './test-database.js';
import { contractViolations } from './validating-fetch.js';

/** One replica per entry of `sweepIntervalsMs`, each re-checking that often. */
export function replicasOnOneDatabase(sweepIntervalsMs: number[]): { replicas: RunningScheduler[]; database: () => TestDatabase } {
  let database: TestDatabase;
  const replicas: RunningScheduler[] = [];
  beforeAll(async () => {
    if (backend !== 'postgres') return;
    database = await createTestDatabase();
    for (const sweepIntervalMs of sweepIntervalsMs) {
      replicas.push(await startScheduler(parseConfig(['--port', '0', '--db', database.db, '--log-level', 'silent', '--sweep-interval-ms', String(sweepIntervalMs)], {})!));
    }
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await database?.drop();
    expect(contractViolations).toEqual([]);
  });
  return { replicas, database: () => database };
}
