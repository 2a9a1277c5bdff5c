// kill -9 a random agent every 1–3 s while 5,000 jobs run; the others (and replacements) drain
// them, half of them leasing ahead (--prefetch). Nothing acknowledged is lost and every job has exactly one accepted completion.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFleet } from '../support/agent-process.js';
import { startTestScheduler, tempDir, type TestScheduler } from '../support/scheduler.js';
import { Ledger } from './ledger.js';
import { completionsPerJob, executionsFromLog, summarise } from './tally.js';

const jobCount = 5000;
const agentCount = 4;
let foreman: TestScheduler;
const dir = tempDir();
const agents = new AgentFleet();
beforeAll(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '100']);
});
afterAll(async () => {
  await agents.killAll();
  await foreman.close();
  dir.remove();
});

describe('agents killed at random', () => {
  it('drain 5,000 jobs with none lost and one accepted completion each', async () => {
    const log = join(dir.path, 'executions.log');
    const ledger = new Ledger();
    for (let i = 0; i < jobCount; i += 1000) {
      const jobs = Array.from({ length: 1000 }, () => ({ type: 'wait', payload: { ms: 30, log }, lease_ms: 1000, max_attempts: 20, backoff: { strategy: 'fixed' as const, base_ms: 0 } }));
      const { data } = await foreman.client.POST('/jobs/batch', { body: { jobs } });
      for (const job of data!.jobs) ledger.enqueued(job.id);
    }
    let generation = 0;
    // Every other agent leases ahead, so that kills also take jobs that were waiting for a slot.
    const launch = () => {
      const id = generation++;
      agents.start(foreman.url, ['--worker-id', `agent-${id}`, '--concurrency', '20', ...(id % 2 ? ['--prefetch', '20'] : [])]);
    };
    for (let i = 0; i < agentCount; i++) launch();

    let kills = 0;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { data } = await foreman.client.GET('/stats');
      if (data!.counts.completed + data!.counts.failed + data!.counts.cancelled === jobCount) break;
      expect(Date.now(), `drain did not finish; counts ${JSON.stringify(data!.counts)}`).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 2000));
      const victim = agents.running[Math.floor(Math.random() * agents.running.length)]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      launch();
    }

    const report = await ledger.reconcile(foreman.client, 'wait');
    const completions = await completionsPerJob(foreman.client, [...ledger.acknowledged]);
    const executions = existsSync(log) ? executionsFromLog(readFileSync(log, 'utf8')) : new Map<string, number>();
    console.log(`agent kills: ${kills}; ${summarise(executions, jobCount)}`);
    expect(kills).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect([...completions.values()].filter((count) => count !== 1)).toEqual([]);
    expect(completions.size).toBe(jobCount);
  }, 150_000);
});
