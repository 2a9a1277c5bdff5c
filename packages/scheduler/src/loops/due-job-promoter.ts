// Makes jobs scheduled for later (delayed, or waiting out a retry backoff) runnable when their
// `run_at` comes: a timer aimed at the earliest one, re-checked at least every `maxSleepMs`.
import type { JobStore, RunnableJob } from '../store/job-store.js';

/** Promotions per transaction; a larger backlog is promoted in several. */
const promoteBatch = 1000;
/**
 * A job still due after a promotion is one another replica is promoting (its row skipped as
 * locked): it announces the job itself, so this one looks again only after a pause, not at once.
 */
const heldByAnotherRetryMs = 100;

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

  /** Promotes what is due at `now`; returns when to look next (null: nothing scheduled). */
  async runOnce(now: number): Promise<number | null> {
    for (;;) {
      const promoted = await this.store.promoteDueJobs({ now, limit: promoteBatch });
      this.onRunnable(promoted);
      if (promoted.length < promoteBatch) break;
    }
    const nextDueAt = await this.store.nextDueAt();
    return nextDueAt !== null && nextDueAt <= now ? now + heldByAnotherRetryMs : nextDueAt;
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
