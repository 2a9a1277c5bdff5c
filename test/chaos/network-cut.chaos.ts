// The network between an agent and the scheduler is cut for longer than the lease: the job runs
// on another agent, and after the cut heals the first agent's late report is refused.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFleet } from '../support/agent-process.js';
import { startTestScheduler, tempDir, type TestScheduler } from '../support/scheduler.js';
import { enqueue, eventually, getJob } from '../support/worker-calls.js';
import { TcpProxy } from '../support/tcp-proxy.js';

let foreman: TestScheduler;
let proxy: TcpProxy;
const dir = tempDir();
const agents = new AgentFleet();
beforeAll(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
  proxy = new TcpProxy([Number(new URL(foreman.url).port)]);
});
afterAll(async () => {
  await agents.killAll();
  await proxy.close();
  await foreman.close();
  dir.remove();
});

describe('a network cut longer than the lease', () => {
  it('moves the job to another agent and refuses the cut-off agent\'s report afterwards', async () => {
    const log = join(dir.path, 'starts.log');
    const viaProxy = `http://127.0.0.1:${await proxy.listen()}`;
    const job = await enqueue(foreman.client, { type: 'wait', payload: { ms: 2500, log }, lease_ms: 1000, max_attempts: 5, backoff: { strategy: 'fixed', base_ms: 0 } });
    agents.start(viaProxy, ['--worker-id', 'cut-off', '--concurrency', '1']);
    await eventually(async () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), (text) => text.length > 0);
    proxy.stop();

    agents.start(foreman.url, ['--worker-id', 'reachable', '--concurrency', '1']);
    const done = await eventually(() => getJob(foreman.client, job.id), (j) => j.status === 'completed', 30_000);
    expect(done.worker_id).toBe('reachable');
    // The cut-off agent finished its copy meanwhile and is retrying the report it cannot deliver.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.heal();

    const superseded = await eventually(
      async () => (await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } })).data!.events,
      (events) => events.some((event) => event.type === 'report_superseded'),
      20_000,
    );
    expect(superseded.find((event) => event.type === 'report_superseded')).toMatchObject({ worker_id: 'cut-off', details: { status: 'completed' } });
    expect(superseded.filter((event) => event.type === 'completed')).toHaveLength(1);
    expect(await getJob(foreman.client, job.id)).toMatchObject({ status: 'completed', worker_id: 'reachable', version: done.version });
  }, 90_000);
});
