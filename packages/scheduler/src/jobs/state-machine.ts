// The rules of a job's life, in one place: which transitions each state allows and what each
// one changes. Pure functions of a job row and `now`; the store applies the result in one
// version-guarded transaction.
import type { NewJob } from '../store/job-store.js';
import type { JobRow } from '../store/schema.js';
import { backoffDelayMs } from './backoff.js';
import { JobConflictError, LeaseOwnerError } from './job-errors.js';
import { isTerminal, statusOfState } from './job-status.js';

export type JobEventType =
  | 'enqueued'
  | 'leased'
  | 'progress'
  | 'completed'
  | 'failed'
  | 'retry_scheduled'
  | 'lease_expired'
  | 'cancel_requested'
  | 'cancelled'
  | 'retried'
  | 'report_superseded'
  | 'lease_released';

export interface EventDraft {
  type: JobEventType;
  details: Record<string, unknown>;
}

export type JobChanges = Partial<Omit<JobRow, 'id'>>;

/** What one transition writes: the changed columns and the events it records. */
export interface Transition {
  changes: JobChanges;
  events: EventDraft[];
}

export interface AttemptError {
  message: string;
  code: string | null;
  retryable: boolean;
}

export interface Progress {
  current: number;
  total: number | null;
  message: string | null;
}

/** The outcomes a worker reports; `report` in event details lets a repeated report be recognised. */
export type ReportedOutcome = 'completed' | 'failed';

function conflict(job: JobRow, message: string): JobConflictError {
  return new JobConflictError(message, statusOfState(job.state), job.version);
}

/** A transition that changes the job's status: bumps `version`, so older leases go stale. */
function step(job: JobRow, now: number, changes: JobChanges, events: EventDraft[]): Transition {
  return { changes: { ...changes, version: job.version + 1, updated_at: now }, events };
}

/** A new job: pending, runnable now or scheduled for its `run_at`, at version 1. */
export function create(spec: NewJob, { now }: { now: number }): { job: JobRow; events: EventDraft[] } {
  const job: JobRow = {
    idempotency_key: null,
    parent_id: null,
    ...spec,
    state: spec.run_at > now ? 'scheduled' : 'available',
    attempt: 0,
    version: 1,
    worker_id: null,
    lease_expires_at: null,
    progress: null,
    result: null,
    error: null,
    cancel_requested: 0,
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
  };
  return { job, events: [{ type: 'enqueued', details: { run_at: new Date(job.run_at).toISOString() } }] };
}

export function lease(job: JobRow, { workerId, now }: { workerId: string; now: number }): Transition {
  if (job.state !== 'available') throw conflict(job, 'Only a runnable pending job can be leased.');
  const leaseExpiresAt = now + job.lease_ms;
  return step(
    job,
    now,
    {
      state: 'running',
      attempt: job.attempt + 1,
      worker_id: workerId,
      started_at: now,
      lease_expires_at: leaseExpiresAt,
      progress: null,
    },
    [{ type: 'leased', details: { lease_expires_at: new Date(leaseExpiresAt).toISOString() } }],
  );
}

/**
 * Why a heartbeat or report does not hold the job's current lease, or null when it does: a stale
 * version is a conflict (the worker lost the job), the current version claimed by another worker
 * is not its to touch.
 */
export function leaseRefusal(job: JobRow, { workerId, version }: { workerId: string; version: number }): JobConflictError | LeaseOwnerError | null {
  if (job.state !== 'running' || job.version !== version) {
    return conflict(job, `Version ${version} is not the job's current lease (the job is ${statusOfState(job.state)} at version ${job.version}).`);
  }
  return job.worker_id === workerId ? null : new LeaseOwnerError(job.id, workerId);
}

/** Extends the lease without a new version: the worker keeps reporting against the version it leased. */
export function heartbeat(job: JobRow, { progress, now }: { progress: Progress | undefined; now: number }): Transition {
  const changes: JobChanges = { lease_expires_at: now + job.lease_ms, updated_at: now };
  const events: EventDraft[] = [];
  if (progress) {
    const encoded = JSON.stringify(progress);
    if (encoded !== job.progress) {
      changes.progress = encoded;
      events.push({ type: 'progress', details: { ...progress } });
    }
  }
  return { changes, events };
}

export function complete(job: JobRow, { result, now }: { result: string | null; now: number }): Transition {
  return step(
    job,
    now,
    { state: 'completed', result, error: null, lease_expires_at: null, finished_at: now },
    [{ type: 'completed', details: { report: 'completed' } }],
  );
}

/** The error code an agent reports for jobs it cut short because it is shutting down. */
export const shutdownCode = 'shutdown';

interface FailureContext {
  error: AttemptError;
  now: number;
  random?: () => number;
  /** Extra facts for the event, e.g. which report it answers. */
  details?: Record<string, unknown>;
}

/**
 * Ends a failed attempt: cancelled if a cancel was requested, pending again after the backoff
 * if the error is retryable and attempts remain, failed otherwise.
 */
export function fail(job: JobRow, { error, now, random, details = {} }: FailureContext): Transition {
  const encodedError = JSON.stringify(error);
  const ended = { error: encodedError, lease_expires_at: null, finished_at: now };
  if (job.cancel_requested) {
    return step(job, now, { ...ended, state: 'cancelled' }, [{ type: 'cancelled', details: { ...details, error } }]);
  }
  if (error.retryable && error.code === shutdownCode) {
    // An agent shutting down hands its unfinished jobs back. The job was not at fault: it runs
    // again at once, and the interrupted attempt is not counted against max_attempts.
    return step(
      job,
      now,
      { state: 'available', run_at: now, attempt: job.attempt - 1, error: encodedError, lease_expires_at: null },
      [{ type: 'retry_scheduled', details: { ...details, error, run_at: new Date(now).toISOString(), delay_ms: 0 } }],
    );
  }
  if (error.retryable && job.attempt < job.max_attempts) {
    const delayMs = backoffDelayMs(
      { strategy: job.backoff_strategy, baseMs: job.backoff_base_ms, maxMs: job.backoff_max_ms, jitter: job.backoff_jitter === 1 },
      job.attempt,
      random,
    );
    const runAt = now + delayMs;
    return step(
      job,
      now,
      { state: delayMs > 0 ? 'scheduled' : 'available', run_at: runAt, error: encodedError, lease_expires_at: null },
      [{ type: 'retry_scheduled', details: { ...details, error, run_at: new Date(runAt).toISOString(), delay_ms: delayMs } }],
    );
  }
  return step(job, now, { ...ended, state: 'failed' }, [{ type: 'failed', details: { ...details, error } }]);
}

export const leaseExpiredError: AttemptError = {
  message: 'The lease expired before the worker reported.',
  code: 'lease_expired',
  retryable: true,
};

/** The worker went silent past its lease: the attempt counts as failed and the retry policy applies. */
export function expireLease(job: JobRow, { now, random }: { now: number; random?: () => number }): Transition {
  if (job.state !== 'running') throw conflict(job, 'Only a running job has a lease to expire.');
  const outcome = fail(job, { error: leaseExpiredError, now, random });
  const expired: EventDraft = { type: 'lease_expired', details: { worker_id: job.worker_id, lease_expires_at: job.lease_expires_at && new Date(job.lease_expires_at).toISOString() } };
  return { changes: outcome.changes, events: [expired, ...outcome.events] };
}

/**
 * Ends the attempt of a running job whose lease has passed, or null while the lease holds. The
 * sweeper does this for every such job; a late heartbeat or report from the lease holder does it
 * for its own job at once, so that no late request revives a lease that is over.
 */
export function lapse(job: JobRow, { now, random }: { now: number; random?: () => number }): Transition | null {
  if (job.state !== 'running' || job.lease_expires_at === null || job.lease_expires_at > now) return null;
  return expireLease(job, { now, random });
}

/** The refusal of the request that found its lease passed: `expired` is the job as `lapse` left it. */
export function lapsedLeaseRefusal(expired: JobRow, leaseExpiredAt: number): JobConflictError {
  return conflict(expired, `The lease expired at ${new Date(leaseExpiredAt).toISOString()}, before this request arrived; the attempt has ended.`);
}

/**
 * Undoes a lease whose poller hung up before the response reached it: the job goes back to the
 * front of the queue, and the attempt that never started is not counted.
 */
export function releaseLease(job: JobRow, { now }: { now: number }): Transition {
  if (job.state !== 'running') throw conflict(job, 'Only a running job has a lease to release.');
  return step(job, now, { state: 'available', attempt: job.attempt - 1, lease_expires_at: null }, [
    { type: 'lease_released', details: { reason: 'the poller hung up before it received the job' } },
  ]);
}

/**
 * A pending job is cancelled at once; a running one is flagged for its worker, who aborts it and
 * reports; the flag does not bump the version, so the worker's lease stays valid for that report.
 */
export function cancel(job: JobRow, { now }: { now: number }): Transition & { immediate: boolean } {
  if (isTerminal(job.state)) throw conflict(job, `The job already ended ${statusOfState(job.state)}.`);
  if (job.state === 'running') {
    if (job.cancel_requested) return { changes: {}, events: [], immediate: false };
    return { changes: { cancel_requested: 1, updated_at: now }, events: [{ type: 'cancel_requested', details: {} }], immediate: false };
  }
  return {
    ...step(job, now, { state: 'cancelled', finished_at: now, cancel_requested: 1 }, [{ type: 'cancelled', details: { by: 'request' } }]),
    immediate: true,
  };
}

/** A failed or cancelled job runs again now, with at least one more attempt allowed. */
export function retry(job: JobRow, { maxAttempts, now }: { maxAttempts: number | undefined; now: number }): Transition {
  if (job.state !== 'failed' && job.state !== 'cancelled') {
    throw conflict(job, `Only a failed or cancelled job can be retried; this one is ${statusOfState(job.state)}.`);
  }
  const newMax = Math.max(job.max_attempts, job.attempt + 1, maxAttempts ?? 0);
  return step(
    job,
    now,
    { state: 'available', run_at: now, max_attempts: newMax, cancel_requested: 0, finished_at: null, lease_expires_at: null },
    [{ type: 'retried', details: { max_attempts: newMax, previous_status: job.state } }],
  );
}
