// Which agents an operator asked to drain. The database holds the requests; each replica keeps the
// set in memory, re-read every interval, so polls and heartbeats ask memory and not the database.
// A long poll parked when its worker is asked to drain is answered at once.
import type { JobStore } from '../store/job-store.js';
import type { WorkerRow } from '../store/schema.js';
import { IntervalLoop } from './interval-loop.js';

export interface WatchedPoll {
  /** Aborts when the request's own signal does, or when its worker is asked to drain. */
  signal: AbortSignal;
  /** Stops watching; call once the poll is answered. */
  done(): void;
}

export class WorkerDrains {
  private draining = new Set<string>();
  private readonly parkedPolls = new Map<string, Set<AbortController>>();
  private readonly loop: IntervalLoop;

  constructor(
    private readonly store: JobStore,
    private readonly now: () => number,
    refreshIntervalMs: number,
    onError: (error: unknown) => void,
  ) {
    this.loop = new IntervalLoop(() => this.refresh(), refreshIntervalMs, onError);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  isDraining(workerId: string): boolean {
    return this.draining.has(workerId);
  }

  /** Asks a worker to drain; undefined when no worker with this id ever polled. */
  async request(workerId: string): Promise<WorkerRow | undefined> {
    const worker = await this.store.setWorkerDrain({ workerId, requestedAt: this.now() });
    if (worker) this.mark(workerId);
    return worker;
  }

  /** Withdraws a drain request, so the worker may take work again. */
  async withdraw(workerId: string): Promise<WorkerRow | undefined> {
    const worker = await this.store.setWorkerDrain({ workerId, requestedAt: null });
    if (worker) this.draining.delete(workerId);
    return worker;
  }

  watch(workerId: string, requestSignal: AbortSignal): WatchedPoll {
    const controller = new AbortController();
    const forward = () => controller.abort();
    requestSignal.addEventListener('abort', forward, { once: true });
    let polls = this.parkedPolls.get(workerId);
    if (!polls) this.parkedPolls.set(workerId, (polls = new Set()));
    polls.add(controller);
    return {
      signal: controller.signal,
      done: () => {
        requestSignal.removeEventListener('abort', forward);
        polls.delete(controller);
        if (!polls.size && this.parkedPolls.get(workerId) === polls) this.parkedPolls.delete(workerId);
      },
    };
  }

  private async refresh(): Promise<void> {
    const ids = await this.store.drainingWorkers();
    const previous = this.draining;
    this.draining = new Set(ids);
    for (const id of ids) if (!previous.has(id)) this.answerParkedPolls(id);
  }

  private mark(workerId: string): void {
    this.draining.add(workerId);
    this.answerParkedPolls(workerId);
  }

  private answerParkedPolls(workerId: string): void {
    for (const controller of this.parkedPolls.get(workerId) ?? []) controller.abort();
  }
}
