// Built-in "sleep" job: waits the given milliseconds, or until the job is aborted.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineJob } from '../define-job.js';

export const sleepPayload = z.strictObject({ ms: z.int().min(0).max(86_400_000) });

export const sleepJob = defineJob({
  type: 'sleep',
  schema: sleepPayload,
  async handler({ ms }, ctx) {
    try {
      await sleep(ms, undefined, { signal: ctx.signal });
    } catch (error) {
      // Surface the runner's reason (timeout, cancelled, ...) rather than a bare AbortError.
      throw ctx.signal.aborted ? ctx.signal.reason : error;
    }
    return { slept_ms: ms };
  },
});
