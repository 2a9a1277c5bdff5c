// The few domain errors every layer speaks; the HTTP edge maps each to one problem+json status.
import type { JobStatus } from './job-status.js';

/** One offending input field, as a JSON Pointer path and a message. */
export interface FieldError {
  path: string;
  message: string;
}

export class JobNotFoundError extends Error {
  readonly code = 'job_not_found';
  constructor(readonly jobId: string) {
    super(`No job has the id ${JSON.stringify(jobId)}.`);
  }
}

/** The job is not in a state that allows the request, or the version is not its current lease. */
export class JobConflictError extends Error {
  readonly code = 'job_conflict';
  constructor(
    message: string,
    readonly jobStatus: JobStatus,
    readonly jobVersion: number,
  ) {
    super(message);
  }
}

/** A worker reported for, or heartbeated, a job whose current lease belongs to another worker. */
export class LeaseOwnerError extends Error {
  readonly code = 'lease_owner';
  constructor(
    readonly jobId: string,
    readonly workerId: string,
  ) {
    super(`The job ${JSON.stringify(jobId)} is leased to another worker than ${JSON.stringify(workerId)}.`);
  }
}

/**
 * An idempotency key that names a job the caller may not read: a token with only the worker
 * scope sees, through a key, only a child of the same parent, the one it could have enqueued.
 */
export class ForeignIdempotencyKeyError extends Error {
  readonly code = 'idempotency_key_foreign';
  constructor(readonly key: string) {
    super(`The idempotency key ${JSON.stringify(key)} names a job that is not a child of the same parent; a token with only the worker scope may not read it.`);
  }
}

export class InvalidInputError extends Error {
  readonly code = 'invalid_input';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '));
  }
}

/** A job's payload is larger than the scheduler accepts. */
export class PayloadTooLargeError extends Error {
  readonly code = 'payload_too_large';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

/** The database is locked or unreachable; the caller should retry after a pause. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}
