// 200 concurrent pollers against 10,000 jobs: no job is leased twice, no request gets a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestScheduler, type TestScheduler } from '../support/scheduler.js';
import { Ledger } from './ledger.js';

const jobCount = 10_000;
const pollers = 200;
let foreman: TestScheduler;
beforeAll(async () => {
  foreman = await startTestScheduler();
});
afterAll(() => foreman.close());

describe('200 concurrent pollers', () => {
  it('lease each of 10,000 jobs exactly once and complete them all', async () => {
    const ledger = new Ledger();
    for (let i = 0; i < jobCount; i += 1000) {
      // Leases long enough that none expires on a loaded machine: a second lease here can only be a race.
      const { data } = await foreman.client.POST('/jobs/batch', { body: { jobs: Array.from({ length: 1000 }, () => ({ type: 'chaos.poll', lease_ms: 3_600_000 })) } });
      for (const job of data!.jobs) ledger.enqueued(job.id);
    }
    const serverErrors: number[] = [];
    const leasedBy = new Map<string, string>();
    await Promise.all(
      Array.from({ length: pollers }, async (_, index) => {
        const workerId = `poller-${index}`;
        for (;;) {
          const { data, response } = await foreman.client.POST('/next-job', { body: { worker_id: workerId, max: 5, wait_ms: 200 } });
          if (response.status >= 500) serverErrors.push(response.status);
          if (!data) continue;
          if (!data.jobs.length) return;
          for (const job of data.jobs) {
            expect(leasedBy.get(job.id), `job ${job.id} leased twice`).toBeUndefined();
            leasedBy.set(job.id, workerId);
            ledger.executed(job.id);
            const report = await foreman.client.POST('/jobs/{id}/complete', {
              params: { path: { id: job.id } },
              body: { worker_id: workerId, version: job.version, status: 'completed' },
            });
            if (report.response.status >= 500) serverErrors.push(report.response.status);
            if (report.data) ledger.completionAccepted(job.id);
          }
        }
      }),
    );
    const report = await ledger.reconcile(foreman.client, 'chaos.poll');
    expect(serverErrors).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(leasedBy.size).toBe(jobCount);
    expect([...report.acceptedCompletionsPerJob.values()].every((count) => count === 1)).toBe(true);
    expect(report.acceptedCompletionsPerJob.size).toBe(jobCount);
  }, 120_000);
});
