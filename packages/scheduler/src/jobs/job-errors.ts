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

export class InvalidInputError extends Error {
  readonly code = 'invalid_input';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '));
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
