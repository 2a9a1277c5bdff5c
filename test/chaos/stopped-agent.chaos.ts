// SIGSTOP an agent past its lease: another agent runs the job; after SIGCONT the first one's
// heartbeat and report are refused with 409, it aborts its handler, and the second result stands.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFleet } from '../support/agent-process.js';
import { startTestScheduler, tempDir, type TestScheduler } from '../support/scheduler.js';
import { enqueue, eventually, getJob } from '../support/worker-calls.js';

let foreman: TestScheduler;
const dir = tempDir();
const agents = new AgentFleet();
beforeAll(async () => {
  foreman = await startTestScheduler(['--sweep-interval-ms', '50']);
});
afterAll(async () => {
  await agents.killAll();
  await foreman.close();
  dir.remove();
});

describe('an agent frozen past its lease', () => {
  it('loses the job to another agent and cannot overwrite its result', async () => {
    const log = join(dir.path, 'starts.log');
    const job = await enqueue(foreman.client, { type: 'wait', payload: { ms: 2000, log }, lease_ms: 1500, max_attempts: 5, backoff: { strategy: 'fixed', base_ms: 0 } });
    const frozen = agents.start(foreman.url, ['--worker-id', 'frozen']);
    await eventually(async () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), (text) => text.length > 0);
    frozen.child.kill('SIGSTOP');

    agents.start(foreman.url, ['--worker-id', 'successor']);
    const done = await eventually(() => getJob(foreman.client, job.id), (j) => j.status === 'completed', 20_000);
    expect(done.worker_id).toBe('successor');
    expect(done.attempt).toBeGreaterThanOrEqual(2);

    frozen.child.kill('SIGCONT');
    // The frozen agent's handler finishes (or is aborted on its 409 heartbeat); either way its
    // report must be refused and the successor's result must stand.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await getJob(foreman.client, job.id);
    expect(after).toMatchObject({ status: 'completed', worker_id: 'successor', version: done.version, result: done.result });
    const { data } = await foreman.client.GET('/jobs/{id}/events', { params: { path: { id: job.id } } });
    const types = data!.events.map((event) => event.type);
    expect(types.filter((type) => type === 'completed')).toHaveLength(1);
    expect(types.slice(0, 4)).toEqual(['enqueued', 'leased', 'lease_expired', 'retry_scheduled']);
    expect(data!.events[1]!.worker_id).toBe('frozen');
    // Whatever the frozen agent sent after waking was refused: no outcome of its was applied.
    expect(data!.events.filter((event) => event.worker_id === 'frozen' && (event.type === 'completed' || event.type === 'failed'))).toEqual([]);
  }, 60_000);
});
