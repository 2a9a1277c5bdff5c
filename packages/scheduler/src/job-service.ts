// What the HTTP routes call: each operation runs in the store, then wakes long polls and the
// due-job timer for the jobs it made runnable.
import { newJob, type JobSpec } from './jobs/new-job.js';
import { PollWaiters, type WaitingPoller } from './loops/poll-waiters.js';
import { DueJobPromoter } from './loops/due-job-promoter.js';
import { LeaseSweeper } from './loops/lease-sweeper.js';
import { RunnableRecheck } from './loops/runnable-recheck.js';
import type {
  Claimant,
  EnqueueOutcome,
  JobFilter,
  JobHeartbeat,
  JobPage,
  JobReport,
  JobStore,
  ReportOutcome,
  ReportsResult,
  RunnableJob,
  Settled,
  StatsSnapshot,
  WorkerSnapshot,
} from './store/job-store.js';
import type { RunnableFeed } from './store/runnable-feed.js';
import type { JobEventRow, JobRow } from './store/schema.js';
import type { Progress } from './jobs/state-machine.js';

export interface JobServiceOptions {
  store: JobStore;
  /** Other schedulers on the same database, to wake each other's pollers; null when alone. */
  feed?: RunnableFeed | null;
  now?: () => number;
  /** How often expired leases are looked for. */
  sweepIntervalMs: number;
  onBackgroundError: (error: unknown) => void;
  /** Told of every committed transition, for metrics. */
  observer?: JobServiceObserver;
}

/** Why jobs left a lease (or their queue): what metrics count them as follows from the rows' new state. */
export type EndCause = 'report' | 'lease_expired' | 'cancel' | 'retry';

/** Receives the jobs each committed transition returned; it must be cheap and must not throw. */
export interface JobServiceObserver {
  enqueued(jobs: JobRow[]): void;
  leased(jobs: JobRow[]): void;
  ended(jobs: JobRow[], cause: EndCause): void;
}

const ignoreTransitions: JobServiceObserver = { enqueued: () => undefined, leased: () => undefined, ended: () => undefined };

export interface LeaseRequest extends WaitingPoller {
  waitMs: number;
  agent: Record<string, unknown> | null;
  signal?: AbortSignal;
}

/** A worker's `last_seen` is written at most this often, so idle long polls cost no writes. */
const workerSeenWriteIntervalMs = 5000;
/** Bounds the memory of which workers were written recently. */
const maxRememberedWorkers = 10_000;

export class JobService {
  readonly waiters = new PollWaiters();
  readonly now: () => number;
  private readonly store: JobStore;
  private readonly promoter: DueJobPromoter;
  private readonly sweeper: LeaseSweeper;
  private readonly feed: RunnableFeed | null;
  private readonly recheck: RunnableRecheck | null;
  private readonly workerSeenWrites = new Map<string, { at: number; key: string }>();
  private readonly observer: JobServiceObserver;
  private stopping = false;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.feed = options.feed ?? null;
    this.observer = options.observer ?? ignoreTransitions;
    this.promoter = new DueJobPromoter(this.store, (jobs) => this.runnable(jobs), this.now, options.sweepIntervalMs, options.onBackgroundError);
    this.sweeper = new LeaseSweeper(this.store, (jobs) => this.leasesExpired(jobs), this.now, options.sweepIntervalMs, options.onBackgroundError);
    this.recheck = this.feed && new RunnableRecheck(this.store, this.waiters, options.sweepIntervalMs, options.onBackgroundError);
  }

  async start(): Promise<void> {
    this.feed?.subscribe((jobs) => (jobs === 'any' ? this.waiters.wakeAll() : this.waiters.notify(jobs)));
    await this.promoter.start();
    this.sweeper.start();
    this.recheck?.start();
  }

  /** Stops the loops and answers every waiting long poll at once (with no jobs). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waiters.wakeAll();
    await Promise.all([this.promoter.stop(), this.sweeper.stop(), this.recheck?.stop(), this.feed?.close()]);
  }

  /** `keysWithinParent`: the caller may not read jobs, so a key may only name a child of the same parent. */
  async enqueue(specs: JobSpec[], { keysWithinParent = false }: { keysWithinParent?: boolean } = {}): Promise<EnqueueOutcome[]> {
    const now = this.now();
    const jobs = specs.map((spec) => newJob(spec, now));
    // Pollers waiting for these jobs are leased to in the enqueue's own transaction: one commit
    // answers both the producer and the worker.
    const handOff = this.waiters.reserve(jobs.filter((job) => job.run_at <= now));
    let result;
    try {
      result = await this.store.enqueueJobs({ jobs, now, handOffTo: handOff.map((waiter) => waiter.poller), keysWithinParent });
    } catch (error) {
      for (const waiter of handOff) waiter.deliver([]);
      throw error;
    }
    this.observer.enqueued(result.outcomes.flatMap((outcome) => (outcome.created ? [outcome.job] : [])));
    handOff.forEach((waiter, index) => waiter.deliver(result.handedOff[index] ?? []));
    const handedOff = new Set(result.handedOff.flat().map((job) => job.id));
    this.jobsChanged(result.outcomes.filter((outcome) => outcome.created && !handedOff.has(outcome.job.id)).map((outcome) => outcome.job));
    return result.outcomes;
  }

  /** Indexes of the specs whose `parent_id` names no job. */
  async missingParents(specs: JobSpec[]): Promise<number[]> {
    const missing: number[] = [];
    for (const [index, spec] of specs.entries()) {
      if (spec.parent_id !== undefined && !(await this.store.getJob(spec.parent_id))) missing.push(index);
    }
    return missing;
  }

  /** Leases up to `max` jobs, holding the request open up to `waitMs` until one is runnable. */
  async lease(request: LeaseRequest): Promise<JobRow[]> {
    this.noteWorkerSeen(request);
    const deadline = this.now() + request.waitMs;
    for (;;) {
      // A poller that hung up would never see what it leased; those jobs would sit out their lease.
      if (request.signal?.aborted) return [];
      const generation = this.waiters.generation;
      const jobs = await this.store.claimJobs({ ...request, now: this.now() });
      if (jobs.length) return this.deliver(jobs, request.signal);
      const remaining = deadline - this.now();
      if (remaining <= 0 || this.stopping || request.signal?.aborted) return [];
      if (this.waiters.generation !== generation) continue;
      const outcome = await this.waiters.wait(request, remaining, request.signal);
      if (outcome.kind === 'leased' && outcome.jobs.length) return this.deliver(outcome.jobs, request.signal);
      if (outcome.kind === 'timeout' || outcome.kind === 'aborted' || this.stopping) return [];
    }
  }

  /** Jobs leased for a poller that hung up go straight back to the queue instead of waiting out their lease. */
  private async deliver(jobs: JobRow[], signal: AbortSignal | undefined): Promise<JobRow[]> {
    if (!signal?.aborted) {
      this.observer.leased(jobs);
      return jobs;
    }
    this.jobsChanged(await this.store.releaseJobs({ jobs, now: this.now() }));
    return [];
  }

  async heartbeat({ id, workerId, version, progress }: { id: string; workerId: string; version: number; progress: Progress | undefined }): Promise<JobRow> {
    const [settled] = await this.heartbeatMany({ workerId, heartbeats: [{ id, version, progress }] });
    if ('refused' in settled!) throw settled.refused;
    return settled!.job;
  }

  /** Extends many leases of one worker in one transaction; each heartbeat is applied or refused on its own. */
  async heartbeatMany(params: { workerId: string; heartbeats: JobHeartbeat[] }): Promise<Settled[]> {
    this.noteWorkerHeard(params.workerId);
    const settled = await this.store.heartbeatJobs({ ...params, now: this.now() });
    this.leasesExpired(expiredOnArrival(settled));
    return settled;
  }

  async report({ id, workerId, version, outcome }: { id: string; workerId: string; version: number; outcome: ReportOutcome }): Promise<JobRow> {
    const [settled] = (await this.reportMany({ workerId, reports: [{ id, version, outcome }], lease: null })).settled;
    if ('refused' in settled!) throw settled.refused;
    return settled!.job;
  }

  /** Applies many reports in one transaction and, when asked, leases the worker its next jobs in it too. */
  async reportMany(params: {
    workerId: string;
    reports: JobReport[];
    lease: Omit<Claimant, 'workerId'> | null;
    agent?: Record<string, unknown> | null;
    signal?: AbortSignal;
  }): Promise<ReportsResult> {
    if (params.lease) this.noteWorkerSeen({ workerId: params.workerId, types: params.lease.types, queues: params.lease.queues, agent: params.agent ?? null });
    else this.noteWorkerHeard(params.workerId);
    const result = await this.store.reportJobs({ workerId: params.workerId, reports: params.reports, lease: params.lease, now: this.now() });
    // A repeated report changed nothing, so it is neither counted nor announced again.
    const applied = result.settled.flatMap((settled) => ('job' in settled && !settled.repeated ? [settled.job] : []));
    this.observer.ended(applied, 'report');
    this.jobsChanged(applied);
    this.leasesExpired(expiredOnArrival(result.settled));
    return { settled: result.settled, leased: await this.deliver(result.leased, params.signal) };
  }

  async cancel(id: string): Promise<{ job: JobRow; immediate: boolean }> {
    const outcome = await this.store.cancelJob({ id, now: this.now() });
    if (outcome.immediate) this.observer.ended([outcome.job], 'cancel');
    return outcome;
  }

  async retry(id: string, maxAttempts: number | undefined): Promise<JobRow> {
    const job = await this.store.retryJob({ id, maxAttempts, now: this.now() });
    this.observer.ended([job], 'retry');
    this.jobsChanged([job]);
    return job;
  }

  getJob(id: string): Promise<JobRow | undefined> {
    return this.store.getJob(id);
  }

  listJobs(filter: JobFilter): Promise<JobPage> {
    return this.store.listJobs(filter);
  }

  listJobEvents(id: string): Promise<JobEventRow[] | undefined> {
    return this.store.listJobEvents(id);
  }

  listWorkers(seenWithinMs: number): Promise<WorkerSnapshot[]> {
    return this.store.listWorkers({ seenSince: this.now() - seenWithinMs });
  }

  getStats(): Promise<StatsSnapshot> {
    return this.store.getStats();
  }

  private leasesExpired(jobs: JobRow[]): void {
    if (!jobs.length) return;
    this.observer.ended(jobs, 'lease_expired');
    this.jobsChanged(jobs);
  }

  /** Wakes pollers for jobs that became runnable and aims the due-job timer at later ones. */
  private jobsChanged(jobs: JobRow[]): void {
    const runnable = [];
    for (const job of jobs) {
      if (job.state === 'available') runnable.push(job);
      else if (job.state === 'scheduled') this.promoter.noteScheduled(job.run_at);
    }
    this.runnable(runnable);
  }

  /** Wakes this scheduler's pollers for these jobs, and the other schedulers'. */
  private runnable(jobs: RunnableJob[]): void {
    this.waiters.notify(jobs);
    this.feed?.announce(jobs);
  }

  /** A heartbeat or report: the worker is alive though it does not poll (every slot busy, say). */
  private noteWorkerHeard(workerId: string): void {
    const last = this.workerSeenWrites.get(workerId);
    // Without a poll since this scheduler started, the key is unknown: the next poll writes in full.
    this.noteWorker(workerId, last?.key ?? '', (now) => this.store.recordWorkerHeard({ workerId, now }));
  }

  private noteWorkerSeen(request: Pick<LeaseRequest, 'workerId' | 'types' | 'queues' | 'agent'>): void {
    const key = JSON.stringify([request.types, request.queues, request.agent]);
    this.noteWorker(request.workerId, key, (now) =>
      this.store.recordWorkerSeen({ workerId: request.workerId, types: request.types, queues: request.queues, agent: request.agent, now }),
    );
  }

  /** Writes what a worker asks for (`key`) when it changed, and otherwise at most every few seconds. */
  private noteWorker(workerId: string, key: string, write: (now: number) => Promise<void>): void {
    const now = this.now();
    const last = this.workerSeenWrites.get(workerId);
    if (last && last.key === key && now - last.at < workerSeenWriteIntervalMs) return;
    if (this.workerSeenWrites.size >= maxRememberedWorkers) this.workerSeenWrites.clear();
    this.workerSeenWrites.set(workerId, { at: now, key });
    // Bookkeeping only: a failure here must not fail the request, and the next one writes again.
    write(now).catch(() => this.workerSeenWrites.delete(workerId));
  }
}

/** The jobs whose lease a heartbeat or report found passed, and ended there. */
function expiredOnArrival(settled: Settled[]): JobRow[] {
  return settled.flatMap((outcome) => ('expired' in outcome && outcome.expired ? [outcome.expired] : []));
}
