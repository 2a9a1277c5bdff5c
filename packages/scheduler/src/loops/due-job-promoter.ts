// Makes jobs scheduled for later (delayed, or waiting out a retry backoff) runnable when their
// `run_at` comes: a timer aimed at the earliest one, re-checked at least every `maxSleepMs`.
import type { JobStore, RunnableJob } from '../store/job-store.js';

/** Promotions per transaction; a larger backlog is promoted in several. */
const promoteBatch = 1000;

export class DueJobPromoter {
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly onRunnable: (jobs: RunnableJob[]) => void,
    private readonly now: () => number,
    private readonly maxSleepMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): Promise<void> {
    return this.tick();
  }

  /** A job was scheduled for `runAt`; wake earlier than planned if it is the earliest. */
  noteScheduled(runAt: number): void {
    if (this.stopped) return;
    if (this.timerAt === null || runAt < this.timerAt) this.arm(runAt);
  }

  async runOnce(now: number): Promise<number | null> {
    for (;;) {
      const promoted = await this.store.promoteDueJobs({ now, limit: promoteBatch });
      this.onRunnable(promoted);
      if (promoted.length < promoteBatch) break;
    }
    return this.store.nextDueAt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private tick(): Promise<void> {
    this.running ??= this.runOnce(this.now())
      .then((nextDueAt) => this.arm(nextDueAt))
      .catch((error: unknown) => {
        this.onError(error);
        this.arm(null);
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private arm(dueAt: number | null): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const wakeAt = Math.min(dueAt ?? Infinity, now + this.maxSleepMs);
    this.timerAt = wakeAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      void this.tick();
    }, Math.max(0, wakeAt - now));
    this.timer.unref();
  }
}
