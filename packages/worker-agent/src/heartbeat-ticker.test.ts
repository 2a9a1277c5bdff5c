import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createHeartbeatTicker } from './heartbeat-ticker.js';

it('brings jobs started moments apart into the same rounds, each still beating about every interval', async () => {
  const ticker = createHeartbeatTicker();
  const beats: Array<{ job: number; at: number }> = [];
  const started = performance.now();
  const stops = [];
  for (let job = 0; job < 4; job++) {
    stops.push(ticker.every(100, () => beats.push({ job, at: performance.now() - started })));
    await sleep(15);
  }
  await sleep(560);
  stops.forEach((stop) => stop());
  const stoppedWith = beats.length;
  await sleep(250);

  expect(beats.length).toBe(stoppedWith);
  const rounds = new Set(beats.map((beat) => Math.round(beat.at)));
  // 4 jobs × ~5 beats each, in ~5 rounds rather than ~20 separate moments.
  expect(beats.length).toBeGreaterThanOrEqual(4 * 4);
  expect(rounds.size).toBeLessThanOrEqual(beats.length / 3);
  for (let job = 0; job < 4; job++) {
    const times = beats.filter((beat) => beat.job === job).map((beat) => beat.at);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    // Never later than the interval (plus timer slack), never more than half of it early.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(45);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(160);
  }
});
