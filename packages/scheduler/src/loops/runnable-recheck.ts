// The safety net under cross-replica wake-ups: while pollers wait, look now and then for
// runnable jobs, so a lost notification delays a job by one interval instead of stranding it.
import type { PollWaiters } from './poll-waiters.js';
import type { JobStore } from '../store/job-store.js';

/** How many runnable jobs one re-check looks at (and so how many pollers it can wake). */
const sampleSize = 100;

export class RunnableRecheck {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: JobStore,
    private readonly waiters: PollWaiters,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch(this.onError)
        .finally(() => {
          this.running = null;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    if (!this.waiters.waiting) return;
    this.waiters.notify(await this.store.sampleRunnable(sampleSize));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
