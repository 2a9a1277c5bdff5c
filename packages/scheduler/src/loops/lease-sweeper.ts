// Expires leases whose worker went silent, so their jobs retry (or fail) without the worker.
import type { JobStore } from '../store/job-store.js';
import type { JobRow } from '../store/schema.js';
import { IntervalLoop } from './interval-loop.js';

/** Expiries per transaction; a larger backlog is swept in several. */
const sweepBatch = 500;

export class LeaseSweeper {
  private readonly loop: IntervalLoop;

  constructor(
    private readonly store: JobStore,
    private readonly onExpired: (jobs: JobRow[]) => void,
    private readonly now: () => number,
    intervalMs: number,
    onError: (error: unknown) => void,
  ) {
    this.loop = new IntervalLoop(() => this.runOnce(this.now()), intervalMs, onError);
  }

  start(): void {
    this.loop.start();
  }

  /** Expires every lease that ended before `now`; returns how many. */
  async runOnce(now: number): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.store.expireLeases({ now, limit: sweepBatch });
      this.onExpired(expired);
      total += expired.length;
      if (expired.length < sweepBatch) return total;
    }
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
