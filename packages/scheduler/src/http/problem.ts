// RFC 9457 problem details: the one shape every error response takes.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ForeignIdempotencyKeyError, InvalidInputError, JobConflictError, JobNotFoundError, LeaseOwnerError, PayloadTooLargeError, StoreUnavailableError, type FieldError } from '../jobs/job-errors.js';
import { ForbiddenError } from './auth/forbidden-error.js';
import { UnsupportedMediaTypeError } from './read-request.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const problemTypes = {
  invalidInput: 'urn:foreman:problem:invalid-input',
  unauthorized: 'urn:foreman:problem:unauthorized',
  forbidden: 'urn:foreman:problem:forbidden',
  notFound: 'urn:foreman:problem:not-found',
  methodNotAllowed: 'urn:foreman:problem:method-not-allowed',
  conflict: 'urn:foreman:problem:conflict',
  tooLarge: 'urn:foreman:problem:payload-too-large',
  headersTooLarge: 'urn:foreman:problem:headers-too-large',
  requestTimeout: 'urn:foreman:problem:request-timeout',
  unsupportedMediaType: 'urn:foreman:problem:unsupported-media-type',
  tooManyRequests: 'urn:foreman:problem:too-many-requests',
  unavailable: 'urn:foreman:problem:unavailable',
  internal: 'urn:foreman:problem:internal',
} as const;

export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, { ...headers, 'content-type': 'application/problem+json' });
}

export function invalidInput(errors: FieldError[]): Problem {
  const detail = errors.map((error) => `${error.path || '(body)'}: ${error.message}`).join('; ');
  return { type: problemTypes.invalidInput, title: 'The request is invalid', status: 400, detail, errors };
}

export function forbidden(detail: string): Problem {
  return { type: problemTypes.forbidden, title: 'Forbidden', status: 403, detail };
}

/** The problem for a request refused because of the job's state or lease (403, 404, 409), or null for any other error. */
export function refusalProblem(error: unknown): Problem | null {
  if (error instanceof LeaseOwnerError || error instanceof ForbiddenError || error instanceof ForeignIdempotencyKeyError) return forbidden(error.message);
  if (error instanceof JobNotFoundError) {
    return { type: problemTypes.notFound, title: 'No such job', status: 404, detail: error.message };
  }
  if (error instanceof JobConflictError) {
    return {
      type: problemTypes.conflict,
      title: 'The job is not in a state that allows this',
      status: 409,
      detail: error.message,
      job_status: error.jobStatus,
      job_version: error.jobVersion,
    };
  }
  return null;
}

/** Maps the domain errors to problem responses; anything else is a 500 that gets logged. */
export function problemForError(c: Context, error: unknown, logUnexpected: (error: unknown) => void): Response {
  if (error instanceof InvalidInputError) return problemResponse(c, invalidInput(error.errors));
  if (error instanceof PayloadTooLargeError) {
    return problemResponse(c, { type: problemTypes.tooLarge, title: 'Payload too large', status: 413, detail: error.message, errors: error.errors });
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return problemResponse(c, { type: problemTypes.unsupportedMediaType, title: 'Unsupported media type', status: 415, detail: error.message });
  }
  const refusal = refusalProblem(error);
  if (refusal) return problemResponse(c, refusal);
  if (error instanceof StoreUnavailableError) {
    const retryAfter = String(error.retryAfterSeconds);
    return problemResponse(
      c,
      { type: problemTypes.unavailable, title: 'The database is unavailable', status: 503, detail: `${error.message} Retry after ${retryAfter} s.` },
      { 'retry-after': retryAfter },
    );
  }
  logUnexpected(error);
  return problemResponse(c, { type: problemTypes.internal, title: 'Internal error', status: 500, detail: 'The scheduler failed unexpectedly; the error is in its log.' });
}
