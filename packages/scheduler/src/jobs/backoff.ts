// How long a job waits before its next attempt after a failure.

export type BackoffStrategy = 'exponential' | 'linear' | 'fixed';

export interface BackoffPolicy {
  strategy: BackoffStrategy;
  baseMs: number;
  maxMs: number;
  jitter: boolean;
}

/**
 * The delay before attempt n+1 after the n-th failure: exponential `min(max, base·2^(n−1))`,
 * linear `min(max, base·n)`, fixed `base`. With jitter the delay is uniform in [d/2, d], so
 * jobs that failed together do not all come back in the same millisecond.
 */
export function backoffDelayMs(policy: BackoffPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, failedAttempt);
  let delay: number;
  switch (policy.strategy) {
    case 'exponential':
      // Capped exponent: 2^62 already exceeds any max_ms, and a huge power is Infinity.
      delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 62));
      break;
    case 'linear':
      delay = Math.min(policy.maxMs, policy.baseMs * n);
      break;
    case 'fixed':
      delay = policy.baseMs;
      break;
  }
  if (!policy.jitter) return delay;
  return Math.round(delay / 2 + random() * (delay / 2));
}
