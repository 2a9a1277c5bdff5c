// Expires leases whose worker went silent, so their jobs retry (or fail) without the worker.
import type { JobStore } from '../store/job-store.js';
import type { JobRow } from '../store/schema.js';

/** Expiries per transaction; a larger backlog is swept in several. */
const sweepBatch = 500;

export class LeaseSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: JobStore,
    private readonly onExpired: (jobs: JobRow[]) => void,
    private readonly now: () => number,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce(this.now())
        .then(() => undefined, this.onError)
        .finally(() => {
          this.running = null;
        });
    }, this.intervalMs);
    this.timer.unref();
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

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
