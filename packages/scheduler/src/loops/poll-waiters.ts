// Long polls parked until a matching job becomes runnable. Waking is targeted: one waiter per
// runnable job, oldest waiter first, so 200 idle agents do not all stampede for one job.
import type { RunnableJob } from '../store/job-store.js';

export interface PollFilter {
  types: string[] | null;
  queues: string[] | null;
}

export type WaitOutcome = 'woken' | 'timeout' | 'aborted';

interface Waiter {
  filter: PollFilter;
  settle: (outcome: WaitOutcome) => void;
}

function matches(filter: PollFilter, job: RunnableJob): boolean {
  return (!filter.queues || filter.queues.includes(job.queue)) && (!filter.types || filter.types.includes(job.type));
}

export class PollWaiters {
  private readonly waiters = new Set<Waiter>();
  private notifications = 0;

  /**
   * Counts notifications. A poller reads it before its claim and compares after an empty claim:
   * a change means a job arrived in between, so it claims again instead of sleeping through it.
   */
  get generation(): number {
    return this.notifications;
  }

  get waiting(): number {
    return this.waiters.size;
  }

  wait(filter: PollFilter, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const waiter: Waiter = {
        filter,
        settle: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.waiters.delete(waiter);
          resolve(outcome);
        },
      };
      const onAbort = () => waiter.settle('aborted');
      const timer = setTimeout(() => waiter.settle('timeout'), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Wakes, for each job that became runnable, the longest-waiting poller that wants it. */
  notify(jobs: readonly RunnableJob[]): void {
    if (!jobs.length) return;
    this.notifications++;
    for (const job of jobs) {
      for (const waiter of this.waiters) {
        if (matches(waiter.filter, job)) {
          waiter.settle('woken');
          break;
        }
      }
      if (!this.waiters.size) return;
    }
  }

  /** Wakes every poller, so that a shutdown answers them at once. */
  wakeAll(): void {
    this.notifications++;
    for (const waiter of [...this.waiters]) waiter.settle('woken');
  }
}
