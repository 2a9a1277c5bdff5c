// Agent processes that stop, gracefully or not: no job is lost and no stale report lands.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentFleet, agentBin, type AgentProcess } from './support/agent-process.js';
import { watchChild } from './support/child-process.js';
import { startTestScheduler, tempDir, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { enqueue, eventually, getJob } from './support/worker-calls.js';

let foreman: TestScheduler;
const agents = new AgentFleet();
const dir = tempDir();
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
});
afterEach(async () => {
  await agents.killAll();
  await foreman.close();
});
afterAll(() => {
  dir.remove();
  expect(contractViolations).toEqual([]);
});

function start(args: string[]): AgentProcess {
  return agents.start(foreman.url, args);
}

const runningOn = (workerId: string) =>
  eventually(
    async () => (await foreman.client.GET('/workers')).data!.workers.find((worker) => worker.worker_id === workerId)?.running_jobs ?? 0,
    (running) => running > 0,
  );

describe('agent processes', () => {
  it('on SIGTERM finish what fits in the grace period, report the rest as shutdown so it runs again at once, and exit 0', async () => {
    const quick = await enqueue(foreman.client, { type: 'wait', payload: { ms: 300 } });
    const slow = await enqueue(foreman.client, { type: 'wait', payload: { ms: 60_000 }, max_attempts: 1 });
    const agent = start(['--worker-id', 'retiring', '--concurrency', '2', '--shutdown-grace-ms', '1000']);
    await eventually(() => getJob(foreman.client, slow.id), (job) => job.status === 'running');
    await eventually(() => getJob(foreman.client, quick.id), (job) => job.status === 'running');

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(await getJob(foreman.client, quick.id)).toMatchObject({ status: 'completed', result: { waited: 300 } });
    const cut = await getJob(foreman.client, slow.id);
    // Runnable now, not after its 30 s lease, and the cut attempt does not use up its only one.
    expect(cut).toMatchObject({ status: 'pending', attempt: 0, error: { code: 'shutdown', retryable: true } });
    expect(Date.parse(cut.run_at)).toBeLessThanOrEqual(Date.now());

    const successor = start(['--worker-id', 'successor']);
    await eventually(() => getJob(foreman.client, slow.id), (job) => job.status === 'running' && job.worker_id === 'successor');
    successor.child.kill('SIGKILL');
  });

  it('after kill -9 of an agent, another runs its job once the lease expires, and the result stands', async () => {
    const log = join(dir.path, 'starts.log');
    const job = await enqueue(foreman.client, { type: 'wait', payload: { ms: 800, log }, lease_ms: 600, backoff: { strategy: 'fixed', base_ms: 0 } });
    const doomed = start(['--worker-id', 'doomed']);
    await runningOn('doomed');
    await eventually(async () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), (text) => text.length > 0);
    expect(readFileSync(log, 'utf8').split('\n')[0]).toMatch(/ 1 \d+$/);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');

    start(['--worker-id', 'survivor']);
    const done = await eventually(() => getJob(foreman.client, job.id), (j) => j.status === 'completed', 15_000);
    expect(done).toMatchObject({ attempt: 2, worker_id: 'survivor' });
    const { data } = await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
    expect(data!.events.map((event) => event.type)).toEqual(['enqueued', 'leased', 'lease_expired', 'retry_scheduled', 'leased', 'completed']);
    const starts = readFileSync(log, 'utf8').trim().split('\n');
    expect(starts.map((line) => line.split(' ')[1])).toEqual(['1', '2']);
  });

  it('takes FOREMAN_* settings and a user module of handlers, logs as its worker, and on SIGTERM hands its cut job back', async () => {
    const handlers = join(dir.path, 'jobs.mjs');
    writeFileSync(handlers, `export const echo = { type: 'echo', handler: async (payload) => payload };\n`);
    const env = { ...process.env, FOREMAN_URL: foreman.url, FOREMAN_CONCURRENCY: '2', FOREMAN_WORKER_ID: 'cli-worker' };
    const child = spawn(process.execPath, [agentBin, '--handlers', handlers, '--shutdown-grace-ms', '100', '--wait-ms', '1000'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = watchChild(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const echo = await enqueue(foreman.client, { type: 'echo', payload: { hi: 1 } });
      const long = await enqueue(foreman.client, { type: 'sleep', payload: { ms: 60_000 } });
      expect(await eventually(() => getJob(foreman.client, echo.id), (job) => job.status === 'completed')).toMatchObject({ worker_id: 'cli-worker', result: { hi: 1 } });
      await eventually(() => getJob(foreman.client, long.id), (job) => job.status === 'running');
      const worker = (await foreman.client.GET('/workers')).data!.workers.find((seen) => seen.worker_id === 'cli-worker')!;
      expect(worker.agent).toMatchObject({ concurrency: 2 });
      expect([...worker.types!].sort()).toEqual(['echo', 'http', 'sleep']);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await getJob(foreman.client, long.id)).toMatchObject({ status: 'pending', error: { code: 'shutdown', retryable: true } });
      const logs = stdout.trim().split('\n').map((line) => JSON.parse(line) as { worker_id?: string });
      expect(logs.length).toBeGreaterThan(0);
      expect(logs.every((record) => record.worker_id === 'cli-worker')).toBe(true);
    } finally {
      // Gone already when the test passes; a failed assertion must not leave it running.
      child.kill('SIGKILL');
    }
  });

  it('backs off from a URL whose server answers 200 but is no Foreman scheduler, saying so once', async () => {
    let requests = 0;
    const impostor = createServer((request, response) => {
      requests++;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    const child = spawn(process.execPath, [agentBin, '--url', url, '--worker-id', 'lost', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = watchChild(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await eventually(async () => stdout, (text) => text.includes('scheduler unreachable'), 15_000);
      const before = requests;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // Backing off (0.1 s doubling to 5 s, jittered) makes at most 6 requests in 2 s; without it, dozens.
      expect(requests - before).toBeLessThan(8);
      const warnings = stdout.split('\n').filter((line) => line.includes('scheduler unreachable'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('is the agent');
      expect(stdout).not.toContain('reachable again');
    } finally {
      child.kill('SIGKILL');
      await exited;
      impostor.close();
    }
  });
});
