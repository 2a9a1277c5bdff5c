import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobConflictError } from '../jobs/job-errors.js';
import { testJobSpec } from '../jobs/job-spec.fixture.js';
import { newJob } from '../jobs/new-job.js';
import * as machine from '../jobs/state-machine.js';
import { JobQueries } from './job-queries.js';
import { migrateToLatest } from './migrate.js';
import type { Database, JobRow } from './schema.js';
import { sqliteDialect } from './sql-dialect.js';
import { SqlJobStore } from './sql-job-store.js';
import { SqliteTransactor } from './sqlite/sqlite-transactor.js';
import { TransitionWriter } from './transition-writer.js';


// PostgreSQL writes staged transitions together; SQLite one by one. Both ways run here on SQLite.
for (const writesTransitionsTogether of [false, true]) {
  describe(`staged transitions written ${writesTransitionsTogether ? 'together' : 'one by one'}`, () => {
    let dir: string;
    let transactor: SqliteTransactor;
    let queries: JobQueries;
    let store: SqlJobStore;
    let jobs: JobRow[];
    const now = Date.now();

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'foreman-writer-'));
      const writeDb = new BetterSqlite3(join(dir, 'foreman.db'));
      writeDb.pragma('journal_mode = WAL');
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: writeDb }) });
      await migrateToLatest(db, sqliteDialect);
      transactor = new SqliteTransactor(writeDb, new BetterSqlite3(join(dir, 'foreman.db'), { readonly: true }));
      queries = new JobQueries(db, { ...sqliteDialect, writesTransitionsTogether });
      store = new SqlJobStore(transactor, queries);
      const { outcomes } = await store.enqueueJobs({ jobs: [newJob(testJobSpec, now), newJob(testJobSpec, now), newJob(testJobSpec, now)], now });
      jobs = outcomes.map((outcome) => outcome.job);
    });
    afterEach(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const leaseAll = (read: JobRow[]) =>
      transactor.write(async (tx) => {
        const writer = new TransitionWriter(tx, queries, now);
        const leased = read.map((job) => writer.stage(job, machine.lease(job, { workerId: 'w', now })));
        await writer.finish();
        return leased;
      });

    it('writes every staged transition', async () => {
      await leaseAll(jobs);
      for (const job of jobs) expect(await store.getJob(job.id)).toMatchObject({ state: 'running', version: 2, worker_id: 'w', attempt: 1 });
      expect((await store.listJobEvents(jobs[1]!.id))!.map((event) => event.type)).toEqual(['enqueued', 'leased']);
    });

    it('refuses them all when one job moved on since it was read', async () => {
      await store.cancelJob({ id: jobs[1]!.id, now });
      const refused = await leaseAll(jobs).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(JobConflictError);
      expect(refused).toMatchObject({ jobStatus: 'cancelled', jobVersion: 2 });
      for (const job of [jobs[0]!, jobs[2]!]) {
        expect(await store.getJob(job.id)).toMatchObject({ state: 'available', version: 1, worker_id: null });
        expect((await store.listJobEvents(job.id))!.map((event) => event.type)).toEqual(['enqueued']);
      }
    });
  });
}
