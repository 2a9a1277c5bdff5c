// The safety net under cross-replica wake-ups: while pollers wait, look now and then for
// runnable jobs, so a lost notification delays a job by one interval instead of stranding it.
import type { JobStore } from '../store/job-store.js';
import { IntervalLoop } from './interval-loop.js';
import type { PollWaiters } from './poll-waiters.js';

/** How many runnable jobs one re-check looks at (and so how many pollers it can wake). */
const sampleSize = 100;

export class RunnableRecheck {
  private readonly loop: IntervalLoop;

  constructor(
    private readonly store: JobStore,
    private readonly waiters: PollWaiters,
    intervalMs: number,
    onError: (error: unknown) => void,
  ) {
    this.loop = new IntervalLoop(() => this.runOnce(), intervalMs, onError);
  }

  start(): void {
    this.loop.start();
  }

  async runOnce(): Promise<void> {
    if (!this.waiters.waiting) return;
    this.waiters.notify(await this.store.sampleRunnable(sampleSize));
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
