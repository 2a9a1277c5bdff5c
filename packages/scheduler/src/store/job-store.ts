// The storage interface the scheduler speaks: one verb per operation, each a single transaction.
import type { JobConflictError, JobNotFoundError, LeaseOwnerError } from '../jobs/job-errors.js';
import type { JobStatus } from '../jobs/job-status.js';
import type { AttemptError, Progress } from '../jobs/state-machine.js';
import type { JobEventRow, JobRow, NewJobRow, WorkerRow } from './schema.js';

/** A job to insert; `state`, `version` and the bookkeeping columns are set by the store. */
export type NewJob = Omit<
  NewJobRow,
  'state' | 'attempt' | 'version' | 'worker_id' | 'lease_expires_at' | 'progress' | 'result' | 'error' | 'cancel_requested' | 'created_at' | 'updated_at' | 'started_at' | 'finished_at'
>;

export interface EnqueueOutcome {
  job: JobRow;
  /** False when an existing job with the same idempotency key was returned instead. */
  created: boolean;
}

export interface EnqueueResult {
  outcomes: EnqueueOutcome[];
  handedOff: JobRow[][];
}

/** Who leases: a worker, the types and queues it takes (null: any), and how many jobs at most. */
export interface Claimant {
  workerId: string;
  types: string[] | null;
  queues: string[] | null;
  max: number;
}

export type ReportOutcome = { status: 'completed'; result: string | null } | { status: 'failed'; error: AttemptError };

export interface JobReport {
  id: string;
  version: number;
  outcome: ReportOutcome;
}

/**
 * Each report or heartbeat of a batch applied (the job as it now stands) or refused (the job moved
 * on, never was, or is another worker's). `repeated`: the report had been applied before and
 * changed nothing now. `expired` is the job as it stands when the refusal found its lease passed
 * and ended the attempt itself, ahead of the sweeper.
 */
export type Settled = { job: JobRow; repeated?: true } | { refused: JobConflictError | JobNotFoundError | LeaseOwnerError; expired?: JobRow };

export interface JobHeartbeat {
  id: string;
  version: number;
  progress: Progress | undefined;
}

export interface ReportsResult {
  settled: Settled[];
  /** Jobs leased to the reporting worker in the same transaction, when it asked for them. */
  leased: JobRow[];
}

export interface JobFilter {
  statuses?: JobStatus[];
  type?: string;
  queue?: string;
  parentId?: string;
  createdAfter?: number;
  createdBefore?: number;
  limit: number;
  after?: ListPosition;
}

/** Where a page of the newest-first listing ended. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

export interface JobPage {
  jobs: JobRow[];
  next: ListPosition | null;
}

/** A job that became runnable, so that waiting pollers can be woken. */
export interface RunnableJob {
  queue: string;
  type: string;
}

export interface StatusCountRow {
  queue: string;
  type: string;
  status: JobStatus;
  count: number;
}

export interface StatsSnapshot {
  counts: StatusCountRow[];
  oldestRunnable: Array<{ queue: string; run_at: number }>;
}

export interface WorkerSeen {
  workerId: string;
  types: string[] | null;
  queues: string[] | null;
  agent: Record<string, unknown> | null;
  now: number;
}

export interface WorkerSnapshot extends WorkerRow {
  running_jobs: number;
}

export interface JobStore {
  /**
   * Inserts all jobs or none; a duplicate idempotency key yields the existing job. With
   * `keysWithinParent`, a key that names a job with another parent fails the whole operation
   * (`ForeignIdempotencyKeyError`). Then, in the same transaction, leases to each of
   * `handOffTo` as `claimJobs` would (`handedOff[i]`).
   */
  enqueueJobs(params: { jobs: NewJob[]; now: number; handOffTo?: Claimant[]; keysWithinParent?: boolean }): Promise<EnqueueResult>;
  /** Leases up to `max` runnable jobs, highest priority first, then earliest `run_at`, then id. */
  claimJobs(params: Claimant & { now: number }): Promise<JobRow[]>;
  /** Hands back jobs just leased at these versions, as if they had not been leased. */
  releaseJobs(params: { jobs: Array<{ id: string; version: number }>; now: number }): Promise<JobRow[]>;
  /** Extends the leases a worker holds, each heartbeat applied or refused on its own: all in one transaction. */
  heartbeatJobs(params: { workerId: string; heartbeats: JobHeartbeat[]; now: number }): Promise<Settled[]>;
  /**
   * Applies a worker's reports, each as its own transition (a refusal does not stop the others),
   * then leases it up to `lease.max` jobs: all in one transaction.
   */
  reportJobs(params: { workerId: string; reports: JobReport[]; lease: Omit<Claimant, 'workerId'> | null; now: number }): Promise<ReportsResult>;
  cancelJob(params: { id: string; now: number }): Promise<{ job: JobRow; immediate: boolean }>;
  retryJob(params: { id: string; maxAttempts: number | undefined; now: number }): Promise<JobRow>;
  /** Ends attempts whose lease passed (the retry policy applies); returns the jobs as they now stand. */
  expireLeases(params: { now: number; limit: number }): Promise<JobRow[]>;
  /** Makes scheduled jobs whose `run_at` has come runnable. */
  promoteDueJobs(params: { now: number; limit: number }): Promise<RunnableJob[]>;
  /** Up to `limit` runnable jobs' queue and type, first in lease order. */
  sampleRunnable(limit: number): Promise<RunnableJob[]>;
  /** The earliest `run_at` of a job scheduled for later, or null. */
  nextDueAt(): Promise<number | null>;
  /** A worker's poll: when, and what it asks for. */
  recordWorkerSeen(seen: WorkerSeen): Promise<void>;
  /** A worker heard from otherwise (a heartbeat, a report): only `last_seen` moves, for a worker seen polling before. */
  recordWorkerHeard(params: { workerId: string; now: number }): Promise<void>;
  /** Deletes up to `limit` jobs of a final status that finished before `before`, with their events; returns how many. */
  deleteFinishedJobs(params: { status: 'completed' | 'failed' | 'cancelled'; before: number; limit: number }): Promise<number>;
  /** Records (a time) or withdraws (null) a drain request; undefined when no such worker was ever seen. */
  setWorkerDrain(params: { workerId: string; requestedAt: number | null }): Promise<WorkerRow | undefined>;
  /** The ids of the workers asked to drain. */
  drainingWorkers(): Promise<string[]>;

  getJob(id: string): Promise<JobRow | undefined>;
  listJobs(filter: JobFilter): Promise<JobPage>;
  listJobEvents(id: string): Promise<JobEventRow[] | undefined>;
  listWorkers(params: { seenSince: number }): Promise<WorkerSnapshot[]>;
  getStats(): Promise<StatsSnapshot>;
  /** Rejects when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

