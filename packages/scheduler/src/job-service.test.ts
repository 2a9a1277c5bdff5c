import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobService } from './job-service.js';
import { testJobSpec } from './jobs/job-spec.fixture.js';
import type { JobStore } from './store/job-store.js';
import { openSqliteStore } from './store/sqlite/open-sqlite-store.js';


let dir: string;
let store: JobStore;
let service: JobService;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'foreman-service-'));
  store = await openSqliteStore(join(dir, 'foreman.db'));
  service = new JobService({ store, sweepIntervalMs: 1000, onBackgroundError: (error) => { throw error; } });
  await service.start();
});
afterEach(async () => {
  await service.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JobService.lease', () => {
  it('hands the jobs back when the poller hung up while they were being leased', async () => {
    const { job } = (await service.enqueue([testJobSpec]))[0]!;
    const hangUp = new AbortController();
    const leasing = service.lease({ workerId: 'gone', types: null, queues: null, max: 1, waitMs: 0, agent: null, signal: hangUp.signal });
    hangUp.abort(); // after the claim started, before its answer
    expect(await leasing).toEqual([]);

    const released = await store.getJob(job.id);
    expect(released).toMatchObject({ state: 'available', attempt: 0, version: 3 });
    expect((await store.listJobEvents(job.id))!.map((event) => event.type)).toEqual(['enqueued', 'leased', 'lease_released']);
    const [again] = await service.lease({ workerId: 'present', types: null, queues: null, max: 1, waitMs: 0, agent: null });
    expect(again).toMatchObject({ id: job.id, attempt: 1, worker_id: 'present' });
  });

  it('hands back what an enqueue leased to a waiting poller that hung up meanwhile', async () => {
    const hangUp = new AbortController();
    const leasing = service.lease({ workerId: 'gone', types: null, queues: null, max: 1, waitMs: 5000, agent: null, signal: hangUp.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(service.waiters.waiting).toBe(1);
    const enqueuing = service.enqueue([testJobSpec]);
    hangUp.abort(); // after the enqueue took the poller out of the line, before its commit
    const { job } = (await enqueuing)[0]!;
    expect(await leasing).toEqual([]);
    expect(await store.getJob(job.id)).toMatchObject({ state: 'available', attempt: 0 });
    expect((await store.listJobEvents(job.id))!.map((event) => event.type)).toEqual(['enqueued', 'leased', 'lease_released']);
  });
});

describe('a worker seen', () => {
  it('is kept seen by its heartbeats and reports, at most every 5 s, keeping what its polls asked for', async () => {
    let clock = Date.now();
    const timed = new JobService({ store, now: () => clock, sweepIntervalMs: 1000, onBackgroundError: (error) => { throw error; } });
    await timed.enqueue([testJobSpec, testJobSpec]);
    const [first, second] = await timed.lease({ workerId: 'busy', types: ['t'], queues: null, max: 2, waitMs: 0, agent: { concurrency: 2 } });
    const seen = async () => (await store.listWorkers({ seenSince: 0 })).find((worker) => worker.worker_id === 'busy')!;
    const polledAt = clock;
    // The poll's own write is bookkeeping, not awaited: a heartbeat's store call comes after it.
    await timed.heartbeatMany({ workerId: 'busy', heartbeats: [{ id: first!.id, version: first!.version, progress: undefined }] });
    expect(await seen()).toMatchObject({ last_seen: polledAt, types: JSON.stringify(['t']) });

    clock += 4000;
    await timed.heartbeatMany({ workerId: 'busy', heartbeats: [{ id: first!.id, version: first!.version, progress: undefined }] });
    expect((await seen()).last_seen).toBe(polledAt);
    clock += 1001;
    await timed.heartbeatMany({ workerId: 'busy', heartbeats: [{ id: first!.id, version: first!.version, progress: undefined }] });
    expect(await seen()).toMatchObject({ last_seen: clock, types: JSON.stringify(['t']), agent: JSON.stringify({ concurrency: 2 }) });

    clock += 5001;
    await timed.reportMany({ workerId: 'busy', reports: [{ id: second!.id, version: second!.version, outcome: { status: 'completed', result: null } }], lease: null });
    expect((await seen()).last_seen).toBe(clock);

    // A lease that leaves out what agent it is changes what it asks for, not what is known of it.
    await timed.lease({ workerId: 'busy', types: ['u'], queues: null, max: 1, waitMs: 0, agent: null });
    await timed.heartbeatMany({ workerId: 'busy', heartbeats: [{ id: first!.id, version: first!.version, progress: undefined }] });
    expect(await seen()).toMatchObject({ types: JSON.stringify(['u']), agent: JSON.stringify({ concurrency: 2 }) });
  });
});
