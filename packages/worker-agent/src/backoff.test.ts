import { describe, expect, it } from 'vitest';
import { backoffDelay, createBackoff, RETRY_BACKOFF } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base and stays within [d/2, d]', () => {
    for (let failures = 1; failures <= 12; failures++) {
      const ceiling = Math.min(5_000, 100 * 2 ** (failures - 1));
      expect(backoffDelay(failures, RETRY_BACKOFF, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(failures, RETRY_BACKOFF, () => 0.999999)).toBeCloseTo(ceiling, 0);
    }
  });

  it('never exceeds the cap nor falls below half the base, whatever the randomness', () => {
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffDelay(1 + (i % 60), RETRY_BACKOFF);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(5_000);
    }
    expect(backoffDelay(10_000, RETRY_BACKOFF, () => 1)).toBe(5_000);
  });
});

describe('createBackoff', () => {
  it('grows with each failure and starts over after reset', () => {
    const backoff = createBackoff({ baseMs: 10, maxMs: 1_000 }, () => 1);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([10, 20, 40]);
    backoff.reset();
    expect(backoff.next()).toBe(10);
  });
});
