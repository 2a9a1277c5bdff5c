// POST /workers/{id}/drain: the agent stops taking work, finishes what it runs and exits 0,
// told through its next poll or heartbeat.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentFleet } from './support/agent-process.js';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { contractViolations } from './support/validating-fetch.js';
import { enqueue, eventually, getJob, leaseJobs, leaseOne } from './support/worker-calls.js';

let foreman: TestScheduler;
const agents = new AgentFleet();
beforeEach(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
});
afterEach(async () => {
  await agents.killAll();
  await foreman.close();
});
afterAll(() => {
  expect(contractViolations).toEqual([]);
});

function drain(workerId: string) {
  return foreman.client.POST('/workers/{id}/drain', { params: { path: { id: workerId } } });
}

async function workerSeen(workerId: string) {
  return eventually(
    async () => (await foreman.client.GET('/workers')).data!.workers.find((worker) => worker.worker_id === workerId),
    (worker) => worker !== undefined,
  );
}

describe('draining an agent', () => {
  it('through its waiting poll: the agent finishes its running job, takes no other, and exits 0', async () => {
    const running = await enqueue(foreman.client, { type: 'wait', payload: { ms: 1500 } });
    const agent = agents.start(foreman.url, ['--worker-id', 'retiring-poll', '--concurrency', '2', '--wait-ms', '30000']);
    await eventually(() => getJob(foreman.client, running.id), (job) => job.status === 'running');

    const { data, response } = await drain('retiring-poll');
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ worker_id: 'retiring-poll', draining: true });
    expect(Date.parse(data!.drain_requested_at!)).toBeLessThanOrEqual(Date.now());
    const left = await enqueue(foreman.client, { type: 'wait', payload: { ms: 10 } });

    expect(await agent.exited).toBe(0);
    expect(await getJob(foreman.client, running.id)).toMatchObject({ status: 'completed', result: { waited: 1500 } });
    expect(await getJob(foreman.client, left.id)).toMatchObject({ status: 'pending', attempt: 0 });
    const worker = await workerSeen('retiring-poll');
    expect(worker).toMatchObject({ draining: true, running_jobs: 0 });
  });

  it('through a heartbeat when every slot is busy', async () => {
    const running = await enqueue(foreman.client, { type: 'wait', payload: { ms: 2000 }, lease_ms: 600 });
    const agent = agents.start(foreman.url, ['--worker-id', 'retiring-busy', '--concurrency', '1']);
    await eventually(() => getJob(foreman.client, running.id), (job) => job.status === 'running');
    expect((await drain('retiring-busy')).response.status).toBe(200);
    await enqueue(foreman.client, { type: 'wait', payload: { ms: 10 } });

    expect(await agent.exited).toBe(0);
    expect(await getJob(foreman.client, running.id)).toMatchObject({ status: 'completed', attempt: 1 });
    expect((await foreman.client.GET('/jobs', { params: { query: { status: ['pending'] } } })).data!.jobs).toHaveLength(1);
  });

  it('still gives running jobs only the grace period when SIGTERM comes during the drain', async () => {
    const running = await enqueue(foreman.client, { type: 'wait', payload: { ms: 60_000 } });
    const agent = agents.start(foreman.url, ['--worker-id', 'retiring-stopped', '--shutdown-grace-ms', '300']);
    await eventually(() => getJob(foreman.client, running.id), (job) => job.status === 'running');
    expect((await drain('retiring-stopped')).response.status).toBe(200);
    await eventually(async () => (await workerSeen('retiring-stopped'))?.draining, (draining) => draining === true);

    const stoppedAt = Date.now();
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    // Cut short by the stop, it is handed back: pending again, the attempt not counted.
    expect(await getJob(foreman.client, running.id)).toMatchObject({ status: 'pending', attempt: 0 });
  });

  it('answers a waiting long poll at once, refuses new work until withdrawn, and says so in heartbeats', async () => {
    const held = await enqueue(foreman.client, { type: 'by-hand', payload: {} });
    const job = await leaseOne(foreman.client, 'manual', { types: ['by-hand'] });
    expect(job.id).toBe(held.id);

    const started = Date.now();
    const waiting = foreman.client.POST('/next-job', { body: { worker_id: 'manual', wait_ms: 20_000, types: ['never'] } });
    await eventually(async () => (await fetch(`${foreman.url}/metrics`)).text(), (text) => /^foreman_long_polls_waiting 1$/m.test(text));
    expect((await drain('manual')).response.status).toBe(200);
    const { data: answered } = await waiting;
    expect(answered).toEqual({ jobs: [], drain: true });
    expect(Date.now() - started).toBeLessThan(10_000);

    await enqueue(foreman.client, { type: 'by-hand', payload: {} });
    const { data: refused } = await foreman.client.POST('/next-job', { body: { worker_id: 'manual', types: ['by-hand'] } });
    expect(refused).toEqual({ jobs: [], drain: true });
    const beat = await foreman.client.POST('/jobs/{id}/heartbeat', { params: { path: { id: job.id } }, body: { worker_id: 'manual', version: job.version } });
    expect(beat.data).toMatchObject({ drain: true, cancel_requested: false });
    // Other workers are not affected.
    const { data: other } = await foreman.client.POST('/next-job', { body: { worker_id: 'someone-else', types: ['never'] } });
    expect(other).toEqual({ jobs: [], drain: false });

    const withdrawn = await foreman.client.DELETE('/workers/{id}/drain', { params: { path: { id: 'manual' } } });
    expect(withdrawn.data).toEqual({ worker_id: 'manual', draining: false, drain_requested_at: null });
    expect(await leaseJobs(foreman.client, 'manual', { types: ['by-hand'] })).toHaveLength(1);
  });

  it('404s for a worker that never polled and 400s for an impossible worker id', async () => {
    const unknown = await drain('nobody');
    expect(unknown.response.status).toBe(404);
    expect(unknown.response.headers.get('content-type')).toBe('application/problem+json');
    const tooLong = await drain('x'.repeat(129));
    expect(tooLong.response.status).toBe(400);
    expect(tooLong.error).toMatchObject({ errors: [{ path: '/id' }] });
  });
});
