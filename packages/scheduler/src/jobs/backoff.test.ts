import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';

const policy = (strategy: BackoffPolicy['strategy'], jitter = false): BackoffPolicy => ({
  strategy,
  baseMs: 1000,
  maxMs: 10_000,
  jitter,
});

describe('backoffDelayMs', () => {
  it('doubles from base_ms and stops at max_ms for exponential', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy('exponential'), n))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('grows by base_ms for linear and stays put for fixed', () => {
    expect([1, 2, 3, 11].map((n) => backoffDelayMs(policy('linear'), n))).toEqual([1000, 2000, 3000, 10_000]);
    expect([1, 5, 50].map((n) => backoffDelayMs(policy('fixed'), n))).toEqual([1000, 1000, 1000]);
  });

  it('does not overflow for very late attempts', () => {
    expect(backoffDelayMs(policy('exponential'), 5000)).toBe(10_000);
  });

  it('spreads jittered delays over [d/2, d]', () => {
    expect(backoffDelayMs(policy('exponential', true), 3, () => 0)).toBe(2000);
    expect(backoffDelayMs(policy('exponential', true), 3, () => 0.999_999)).toBe(4000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(policy('linear', true), 2);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });
});
