// Exponential backoff with jitter, shared by polling and report retries.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** 100 ms doubling to 5 s: quick to recover from a blip, gentle on a scheduler that is down. */
export const RETRY_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 100, maxMs: 5_000 });

/**
 * Delay before retry number `failures` (1-based): `min(maxMs, baseMs·2^(failures−1))`, then
 * jittered uniformly into [d/2, d] so agents that lost the scheduler together do not return together.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export interface Backoff {
  next(): number;
  reset(): void;
}

export function createBackoff(policy: BackoffPolicy, random: () => number = Math.random): Backoff {
  let failures = 0;
  return {
    next: () => backoffDelay(++failures, policy, random),
    reset: () => {
      failures = 0;
    },
  };
}
