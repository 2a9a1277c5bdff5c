// kill -9 the scheduler several times under load from 10 enqueuing clients and running agents,
// restarting it on the same database: nothing acknowledged is lost, nothing appears that was
// not asked for, and every job is completed exactly once.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentFleet } from '../support/agent-process.js';
import { clientFor, spawnScheduler, type SchedulerProcess } from '../support/scheduler.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { Ledger } from './ledger.js';
import { completionsPerJob } from './tally.js';

let database: TestDatabase | undefined;
const agents = new AgentFleet();
let scheduler: SchedulerProcess | undefined;
afterAll(async () => {
  await agents.killAll();
  scheduler?.child.kill('SIGKILL');
  await scheduler?.exited;
  await database?.drop();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the scheduler killed under load', () => {
  it('loses no acknowledged job and completes each exactly once', async () => {
    database = await createTestDatabase();
    const db = database.db;
    const port = await freePort();
    const start = async () => (scheduler = await spawnScheduler(db, ['--port', String(port), '--sweep-interval-ms', '100']));
    await start();
    const client = clientFor(scheduler!.url);
    for (let i = 0; i < 3; i++) agents.start(scheduler!.url, ['--worker-id', `agent-${i}`, '--concurrency', '10']);

    const ledger = new Ledger();
    let producing = true;
    const producers = Array.from({ length: 10 }, async (_, producer) => {
      for (let i = 0; producing; i++) {
        // Retried with the same idempotency key until acknowledged, so a request that was stored
        // just before a kill does not become a job nobody knows about.
        const body = { type: 'wait', payload: { ms: 10 }, idempotency_key: `p${producer}-${i}`, lease_ms: 2000, max_attempts: 20 };
        for (;;) {
          try {
            const { data } = await client.POST('/jobs', { body });
            if (data) {
              ledger.enqueued(data.id);
              break;
            }
          } catch {
            // the scheduler is down: try again shortly
          }
          await sleep(50);
        }
      }
    });

    for (let kill = 0; kill < 3; kill++) {
      await sleep(1500);
      scheduler!.child.kill('SIGKILL');
      expect(await scheduler!.exited).toBe('SIGKILL');
      await start();
    }
    await sleep(1000);
    producing = false;
    await Promise.all(producers);

    const deadline = Date.now() + 60_000;
    for (;;) {
      const report = await ledger.reconcile(client, 'wait');
      if (!report.lost.length) {
        expect(report.unexpected).toEqual([]);
        break;
      }
      expect(Date.now(), `${report.lost.length} acknowledged jobs not finished`).toBeLessThan(deadline);
      await sleep(500);
    }
    const completions = await completionsPerJob(client, [...ledger.acknowledged]);
    console.log(`scheduler kills: 3; acknowledged enqueues: ${ledger.acknowledged.size}`);
    expect(ledger.acknowledged.size).toBeGreaterThan(100);
    expect([...completions.values()].filter((count) => count !== 1)).toEqual([]);
  }, 150_000);
});
