// Deletes finished jobs, with their events, once they are older than the retention allows, in
// small transactions so that leasing and reports get the database between batches.
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { JobStore } from '../store/job-store.js';
import { IntervalLoop } from './interval-loop.js';

export interface RetentionPolicy {
  /** Days a completed job is kept; 0 keeps it forever. */
  completedDays: number;
  /** Days a failed or cancelled job is kept; 0 keeps it forever. */
  failedDays: number;
  /** Jobs deleted per transaction. */
  batchSize: number;
  intervalMs: number;
}

const dayMs = 24 * 60 * 60 * 1000;

export class RetentionSweeper {
  private readonly loop: IntervalLoop;
  private stopping = false;

  constructor(
    private readonly store: JobStore,
    private readonly now: () => number,
    private readonly policy: RetentionPolicy,
    private readonly onDeleted: (count: number) => void,
    onError: (error: unknown) => void,
  ) {
    this.loop = new IntervalLoop(() => this.runOnce(), policy.intervalMs, onError);
  }

  start(): void {
    if (this.policy.completedDays || this.policy.failedDays) this.loop.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.loop.stop();
  }

  /** Deletes everything past retention now; returns how many jobs. */
  async runOnce(): Promise<number> {
    const now = this.now();
    const { completedDays, failedDays, batchSize } = this.policy;
    const rules = [
      ...(completedDays ? [{ status: 'completed' as const, before: now - completedDays * dayMs }] : []),
      ...(failedDays ? [{ status: 'failed' as const, before: now - failedDays * dayMs }, { status: 'cancelled' as const, before: now - failedDays * dayMs }] : []),
    ];
    let total = 0;
    for (const rule of rules) {
      for (;;) {
        if (this.stopping) return total;
        const deleted = await this.store.deleteFinishedJobs({ ...rule, limit: batchSize });
        total += deleted;
        if (deleted < batchSize) break;
        await yieldToOthers();
      }
    }
    if (total) this.onDeleted(total);
    return total;
  }
}
