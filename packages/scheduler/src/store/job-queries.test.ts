import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { expect, it } from 'vitest';
import { testJobSpec } from '../jobs/job-spec.fixture.js';
import { newJob } from '../jobs/new-job.js';
import * as machine from '../jobs/state-machine.js';
import { JobQueries } from './job-queries.js';
import type { Database } from './schema.js';
import { postgresDialect } from './sql-dialect.js';

// Every distinct SQL text is a statement PostgreSQL prepares on each connection, and only so many
// get a name: batches of every size must make do with a handful of texts.
it('compiles a bounded set of SQL texts for id lists, update sets and inserts of any length, covering every row', () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  const queries = new JobQueries(db, postgresDialect);
  const now = Date.now();
  const texts = { reads: new Set<string>(), updates: new Set<string>(), inserts: new Set<string>() };
  for (let length = 1; length <= 250; length++) {
    const jobs = Array.from({ length }, () => newJob(testJobSpec, now));
    const ids = jobs.map((job) => job.id);

    const reads = queries.jobsByIdsForUpdate(ids).map((query) => query.compile());
    reads.forEach((read) => texts.reads.add(read.sql));
    expect(new Set(reads.flatMap((read) => read.parameters))).toEqual(new Set(ids));

    const updates = queries.updateJobsAtVersions(ids.map((id) => ({ id, expectedVersion: 2, changes: { lease_expires_at: now, updated_at: now } }))).map((query) => query.compile());
    updates.forEach((update) => texts.updates.add(update.sql));
    expect(new Set(updates.flatMap((update) => update.parameters.filter((value) => typeof value === 'string')))).toEqual(new Set(ids));

    const inserts = queries.insertJobs(jobs.map((job) => machine.create(job, { now }).job)).map((query) => query.compile());
    inserts.forEach((insert) => texts.inserts.add(insert.sql));
    const inserted = inserts.flatMap((insert) => insert.parameters.filter((value) => typeof value === 'string' && ids.includes(value)));
    expect(inserted).toEqual(ids);
  }
  expect([texts.reads.size, texts.updates.size, texts.inserts.size]).toEqual([8, 8, 8]);
});
