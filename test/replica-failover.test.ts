// Three scheduler processes on one PostgreSQL database behind a round-robin load balancer, agent
// processes spread across them, 5,000 jobs; one replica is killed (SIGKILL) mid-run. Every job
// completes exactly once, no lease overlaps another, and nothing acknowledged is lost.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFleet } from './support/agent-process.js';
import { clientFor, spawnScheduler, type SchedulerProcess } from './support/scheduler.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { backend, createTestDatabase, type TestDatabase } from './support/test-database.js';
import { contractViolations } from './support/validating-fetch.js';
import { leaseViolations, type LeaseEvent } from './support/lease-history.js';

const jobCount = 5000;
const replicaCount = 3;
const agentCount = 3;

let database: TestDatabase;
let balancer: TcpProxy;
let replicas: SchedulerProcess[] = [];
const agents = new AgentFleet();

beforeAll(async () => {
  if (backend !== 'postgres') return;
  database = await createTestDatabase();
  // Commits without waiting for the WAL flush: transitions of one type share a few count rows,
  // so commits queue behind each other's fsync, and this test is about replicas, not durability
  // across a PostgreSQL crash.
  const db = new URL(database.db);
  db.searchParams.set('options', `-c synchronous_commit=off ${db.searchParams.get('options') ?? ''}`);
  replicas = await Promise.all(Array.from({ length: replicaCount }, () => spawnScheduler(db.toString(), ['--sweep-interval-ms', '200'])));
  balancer = new TcpProxy(replicas.map((replica) => Number(new URL(replica.url).port)));
});
afterAll(async () => {
  await agents.killAll();
  await balancer?.close();
  await Promise.all(
    replicas.map((replica) => {
      replica.child.kill('SIGKILL');
      return replica.exited;
    }),
  );
  await database?.drop();
  expect(contractViolations).toEqual([]);
});

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.db });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function completedCount(): Promise<number> {
  const [row] = await query<{ count: string }>(`SELECT count(*) AS count FROM jobs WHERE state = 'completed'`);
  return Number(row!.count);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(backend !== 'postgres')('replicas behind a load balancer, one killed mid-run', () => {
  it('complete 5,000 jobs exactly once each, with no overlapping leases and none lost', async () => {
    if (backend !== 'postgres') return;
    const viaBalancer = `http://127.0.0.1:${await balancer.listen()}`;
    const client = clientFor(viaBalancer);
    const acknowledged = new Set<string>();
    for (let i = 0; i < jobCount; i += 1000) {
      const jobs = Array.from({ length: 1000 }, () => ({ type: 'wait', payload: { ms: 5 }, lease_ms: 3000, max_attempts: 20, backoff: { strategy: 'fixed' as const, base_ms: 0 } }));
      const { data, response } = await client.POST('/jobs/batch', { body: { jobs } });
      expect(response.status).toBe(201);
      for (const job of data!.jobs) acknowledged.add(job.id);
    }
    for (let i = 0; i < agentCount; i++) agents.start(viaBalancer, ['--worker-id', `agent-${i}`, '--concurrency', '32']);

    await waitFor('a third of the jobs completed', async () => (await completedCount()) >= jobCount / 3, 60_000);
    const victim = replicas[0]!;
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const completedAtKill = await completedCount();
    expect(completedAtKill).toBeLessThan(jobCount);

    await waitFor('every job completed', async () => (await completedCount()) === jobCount, 90_000);

    const jobs = await query<{ id: string; state: string }>(`SELECT id, state FROM jobs`);
    expect(jobs.filter((job) => !acknowledged.has(job.id))).toEqual([]);
    expect(new Set(jobs.map((job) => job.id))).toEqual(acknowledged);
    const events = await query<LeaseEvent & { job_id: string }>(`SELECT job_id, type, worker_id, version FROM job_events ORDER BY job_id, id`);
    const byJob = new Map<string, LeaseEvent[]>();
    for (const event of events) byJob.set(event.job_id, [...(byJob.get(event.job_id) ?? []), event]);
    expect(byJob.size).toBe(jobCount);
    const violations = [...byJob].flatMap(([id, history]) => leaseViolations(history).map((violation) => `${id}: ${violation}`));
    expect(violations).toEqual([]);
    // Every agent took part, and the survivors served the work left after the kill.
    expect(new Set(events.filter((event) => event.type === 'completed').map((event) => event.worker_id))).toEqual(
      new Set(Array.from({ length: agentCount }, (_, i) => `agent-${i}`)),
    );
    const survivors = replicas.slice(1).map((replica) => clientFor(replica.url));
    for (const survivor of survivors) {
      const { data } = await survivor.GET('/stats');
      expect(data!.counts.completed).toBe(jobCount);
    }
  }, 180_000);
});
