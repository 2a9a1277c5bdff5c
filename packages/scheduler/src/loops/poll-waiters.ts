// Long polls parked until a matching job becomes runnable. Waking is targeted: one waiter per
// runnable job, oldest waiter first, so 200 idle agents do not all stampede for one job. An
// enqueue can also take waiters out of the line and lease to them in its own transaction
// (a hand-off), so the poller is answered by the enqueue's commit instead of a commit of its own.
import type { JobRow } from '../store/schema.js';
import type { RunnableJob } from '../store/job-store.js';

export interface PollFilter {
  types: string[] | null;
  queues: string[] | null;
}

/** A parked poller as a hand-off sees it: who it is and how many jobs it takes. */
export interface WaitingPoller extends PollFilter {
  workerId: string;
  max: number;
}

/** `leased`: an enqueue leased these jobs to the poller (possibly none: then it claims itself). */
export type WaitOutcome = { kind: 'woken' } | { kind: 'timeout' } | { kind: 'aborted' } | { kind: 'leased'; jobs: JobRow[] };

interface Waiter {
  poller: WaitingPoller;
  settle: (outcome: WaitOutcome) => void;
  /** Stops its timeout and abort listener: a reserved waiter ends only by delivery. */
  detach: () => void;
}

/** A waiter taken out of the line for a hand-off; it must be settled with what it was leased. */
export interface ReservedWaiter {
  poller: WaitingPoller;
  deliver(jobs: JobRow[]): void;
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

  wait(poller: WaitingPoller, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        poller,
        detach: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
        settle: (outcome) => {
          waiter.detach();
          this.waiters.delete(waiter);
          resolve(outcome);
        },
      };
      const onAbort = () => waiter.settle({ kind: 'aborted' });
      const timer = setTimeout(() => waiter.settle({ kind: 'timeout' }), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Wakes, for each job that became runnable, the longest-waiting poller that wants it. */
  notify(jobs: readonly RunnableJob[]): void {
    if (!jobs.length) return;
    this.notifications++;
    for (const job of jobs) {
      const waiter = this.firstMatching(job);
      if (waiter) waiter.settle({ kind: 'woken' });
      if (!this.waiters.size) return;
    }
  }

  /**
   * Takes out of the line, for each runnable job about to be enqueued, the longest-waiting
   * poller that wants it. The caller leases to them and must deliver to every one.
   */
  reserve(jobs: readonly RunnableJob[]): ReservedWaiter[] {
    const reserved: ReservedWaiter[] = [];
    for (const job of jobs) {
      const waiter = this.firstMatching(job);
      if (!waiter) continue;
      this.waiters.delete(waiter);
      // Whatever it is leased must reach it; a poller that hung up meanwhile hands the jobs back.
      waiter.detach();
      reserved.push({ poller: waiter.poller, deliver: (leased) => waiter.settle({ kind: 'leased', jobs: leased }) });
    }
    if (reserved.length) this.notifications++;
    return reserved;
  }

  /** Wakes every poller, so that a shutdown answers them at once. */
  wakeAll(): void {
    this.notifications++;
    for (const waiter of [...this.waiters]) waiter.settle({ kind: 'woken' });
  }

  private firstMatching(job: RunnableJob): Waiter | undefined {
    for (const waiter of this.waiters) if (matches(waiter.poller, job)) return waiter;
    return undefined;
  }
}
