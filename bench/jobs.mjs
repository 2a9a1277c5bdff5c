// Handlers for the benchmark's agent processes (`foreman-agent --handlers bench/jobs.mjs`).
import { performance } from 'node:perf_hooks';

/** High-resolution wall clock, comparable across processes on one machine. */
const wallClock = () => performance.timeOrigin + performance.now();

export const noop = { type: 'bench.noop', handler: async () => null };

/** Returns when the handler started, for the pickup-latency workload. */
export const stamp = { type: 'bench.stamp', handler: async () => ({ started_at: wallClock() }) };

/** Fails its first attempt and succeeds on the second, for the retry workload. */
export const flaky = {
  type: 'bench.flaky',
  handler: async (_payload, ctx) => {
    if (ctx.attempt === 1) throw new Error('intentional first-attempt failure');
    return null;
  },
};
