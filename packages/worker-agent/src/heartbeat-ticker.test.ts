import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createHeartbeatTicker } from './heartbeat-ticker.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

it('brings jobs started moments apart into the same rounds, each beating at most an interval and at least half of one apart', () => {
  const ticker = createHeartbeatTicker();
  const beats: Array<{ job: number; at: number }> = [];
  const stops: Array<() => void> = [];
  for (let job = 0; job < 4; job++) {
    stops.push(ticker.every(100, () => beats.push({ job, at: performance.now() })));
    vi.advanceTimersByTime(15);
  }
  vi.advanceTimersByTime(600);
  stops.forEach((stop) => stop());
  const stoppedWith = beats.length;
  vi.advanceTimersByTime(500);

  expect(beats.length).toBe(stoppedWith);
  expect(vi.getTimerCount()).toBe(0);
  // After the first round every job beats in the same rounds.
  const rounds = [...new Set(beats.map((beat) => beat.at))];
  expect(rounds.length).toBeLessThanOrEqual(7);
  for (const at of rounds.slice(1)) expect(beats.filter((beat) => beat.at === at)).toHaveLength(4);
  for (let job = 0; job < 4; job++) {
    const times = beats.filter((beat) => beat.job === job).map((beat) => beat.at);
    expect(times.length).toBeGreaterThanOrEqual(6);
    for (const [i, at] of times.slice(1).entries()) {
      expect(at - times[i]!).toBeGreaterThanOrEqual(50);
      expect(at - times[i]!).toBeLessThanOrEqual(100);
    }
  }
});

it('beats a job with a longer interval in the rounds of shorter ones once it is half due, never later than its own interval', () => {
  const ticker = createHeartbeatTicker();
  const beats: Array<{ job: string; at: number }> = [];
  ticker.every(1000, () => beats.push({ job: 'long', at: performance.now() }));
  ticker.every(100, () => beats.push({ job: 'short', at: performance.now() }));
  vi.advanceTimersByTime(3000);

  const long = beats.filter((beat) => beat.job === 'long').map((beat) => beat.at);
  expect(beats.filter((beat) => beat.job === 'short')).toHaveLength(30);
  for (const [i, at] of long.slice(1).entries()) {
    expect(at - long[i]!).toBeGreaterThanOrEqual(500);
    expect(at - long[i]!).toBeLessThanOrEqual(1000);
  }
  expect(long.length).toBeGreaterThanOrEqual(3);
});
