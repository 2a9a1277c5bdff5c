// Replicas that start at the same moment on an empty PostgreSQL schema: kysely's migrator takes a
// PostgreSQL advisory lock around the migrations, so one replica applies them and the others find
// them done. Every replica comes up and each migration is recorded once.
import { openStorage } from '@foreman/scheduler';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, spawnScheduler, type SchedulerProcess } from './support/scheduler.js';
import { backend, createTestDatabase, postgresUrl, type TestDatabase } from './support/test-database.js';
import { contractViolations } from './support/validating-fetch.js';
import { enqueue } from './support/worker-calls.js';

const databases: TestDatabase[] = [];
const replicas: SchedulerProcess[] = [];
afterAll(async () => {
  await Promise.all(
    replicas.map((replica) => {
      replica.child.kill('SIGKILL');
      return replica.exited;
    }),
  );
  await Promise.all(databases.map((database) => database.drop()));
  expect(contractViolations).toEqual([]);
});

async function freshSchema(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function query<T extends pg.QueryResultRow>(db: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function appliedMigrations(db: string): Promise<string[]> {
  return (await query<{ name: string }>(db, 'SELECT name FROM foreman_migrations ORDER BY name')).map((row) => row.name);
}

const allMigrations = ['001-initial', '002-job-counts', '003-worker-drain', '004-queue-table-storage', '005-count-stripes'];

describe.skipIf(backend !== 'postgres')('replicas starting together on an empty schema', () => {
  it('all come up, with every migration applied once', async () => {
    const database = await freshSchema();
    replicas.push(...(await Promise.all([1, 2, 3].map(() => spawnScheduler(database.db)))));
    expect(await appliedMigrations(database.db)).toEqual(allMigrations);
    const [jobs] = await query<{ reloptions: string[] }>(database.db, `SELECT reloptions FROM pg_class WHERE oid = 'jobs'::regclass`);
    expect(jobs!.reloptions).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0.02', 'autovacuum_analyze_scale_factor=0.02']));
    // Each serves the same database.
    const job = await enqueue(clientFor(replicas[0]!.url), { type: 'migrated' });
    for (const replica of replicas) {
      const { data } = await clientFor(replica.url).GET('/jobs/{id}', { params: { path: { id: job.id } } });
      expect(data?.id).toBe(job.id);
    }
  });

  it('creates the schema its search_path names first when it does not exist yet, rather than use public after it', async () => {
    const schema = `Foreman_New_${Math.random().toString(36).slice(2, 8)}`;
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path="${schema}",public`);
    let replica: SchedulerProcess | undefined;
    try {
      replica = await spawnScheduler(url.toString());
      const job = await enqueue(clientFor(replica.url), { type: 'in.new.schema' });
      const [row] = await query<{ id: string }>(postgresUrl, `SELECT id FROM "${schema}".jobs`);
      expect(row?.id).toBe(job.id);
    } finally {
      replica?.child.kill('SIGKILL');
      await replica?.exited;
      await query(postgresUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('open the same schema from many connections at once without a failure', async () => {
    const database = await freshSchema();
    const opened = await Promise.allSettled(Array.from({ length: 8 }, () => openStorage(database.db)));
    await Promise.all(opened.map(async (result) => result.status === 'fulfilled' && (await result.value.close())));
    expect(opened.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(await appliedMigrations(database.db)).toEqual(allMigrations);
  });
});
