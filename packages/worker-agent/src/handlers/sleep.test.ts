import { describe, expect, it } from 'vitest';
import { JobError } from '../job-error.js';
import { runHandler } from '../test-support/run-handler.js';
import { sleepJob } from './sleep.js';

describe('sleep job', () => {
  it('resolves after the given milliseconds', async () => {
    const started = Date.now();
    await expect(runHandler(sleepJob, { ms: 50 })).resolves.toEqual({ slept_ms: 50 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('stops early when aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new JobError('agent shutting down', { code: 'shutdown' });
    const started = Date.now();
    const sleeping = runHandler(sleepJob, { ms: 10_000 }, controller.signal);
    setTimeout(() => controller.abort(reason), 20);
    await expect(sleeping).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a payload without a whole, non-negative ms', () => {
    for (const payload of [{}, { ms: -1 }, { ms: 1.5 }, { ms: '10' }]) {
      expect(sleepJob.schema?.safeParse(payload).success).toBe(false);
    }
  });
});
