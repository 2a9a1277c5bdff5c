// JobError lets a handler choose how its failure is reported; toFailure turns anything thrown into the report's error.
export interface JobErrorOptions {
  /** Machine-readable reason, stored as the job's `error.code`. Defaults to `handler_error`. */
  code?: string;
  /** Whether the scheduler may run the job again. Defaults to true. */
  retryable?: boolean;
  cause?: unknown;
}

export class JobError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, options: JobErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JobError';
    this.code = options.code || 'handler_error';
    this.retryable = options.retryable ?? true;
  }
}

/** The `error` of a failed report, already within the contract's limits. */
export interface Failure {
  message: string;
  code: string;
  retryable: boolean;
}

const MAX_MESSAGE = 65_536;
const MAX_CODE = 128;

// Matched by shape, not instanceof: a handlers module may load its own copy of this package.
function isJobError(error: unknown): error is JobError {
  return (
    error instanceof Error &&
    error.name === 'JobError' &&
    typeof (error as Partial<JobError>).code === 'string' &&
    typeof (error as Partial<JobError>).retryable === 'boolean'
  );
}

export function toFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  const failure = isJobError(error)
    ? { message, code: error.code || 'handler_error', retryable: error.retryable }
    : { message, code: 'handler_error', retryable: true };
  return {
    message: failure.message.slice(0, MAX_MESSAGE),
    code: failure.code.slice(0, MAX_CODE),
    retryable: failure.retryable,
  };
}
