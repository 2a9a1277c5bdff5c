// defineJob: declares a job type with its payload schema and handler, inferring the payload type from the schema.
import { maxNameLength, namePattern, type Job, type JobInput } from '@foreman/client';
import type { Logger } from 'pino';
import type { z } from 'zod';

export type { Job, JobInput } from '@foreman/client';

/** What a handler gets besides its payload. */
export interface JobContext {
  /** Aborts on timeout, cancellation, a lost lease or shutdown; `signal.reason` is a JobError naming why. */
  readonly signal: AbortSignal;
  /** Records progress; it is sent with the next heartbeat. */
  progress(current: number, total?: number, message?: string): void;
  readonly attempt: number;
  readonly jobId: string;
  /** The job as leased. */
  readonly job: Job;
  /** A child logger carrying job_id, type and attempt. */
  readonly logger: Logger;
  /** Enqueues a job whose `parent_id` is this job's id and returns it as stored. */
  enqueue(input: Omit<JobInput, 'parent_id'>): Promise<Job>;
}

export interface JobDefinition<Payload = unknown, Result = unknown> {
  readonly type: string;
  readonly schema?: z.ZodType<Payload>;
  // Method syntax keeps definitions with different payloads assignable to JobDefinition<unknown>.
  handler(payload: Payload, ctx: JobContext): Result | Promise<Result>;
}

const isJobType = (type: string) => type.length <= maxNameLength && namePattern.test(type);
const jobTypeRule = (type: unknown) => `job type ${JSON.stringify(type)} must be 1-128 characters of A-Z a-z 0-9 _ . : -`;

export function defineJob<Schema extends z.ZodType, Result>(definition: {
  type: string;
  schema: Schema;
  handler: (payload: z.output<Schema>, ctx: JobContext) => Result;
}): JobDefinition<z.output<Schema>, Awaited<Result>>;
export function defineJob<Result>(definition: {
  type: string;
  schema?: undefined;
  handler: (payload: unknown, ctx: JobContext) => Result;
}): JobDefinition<unknown, Awaited<Result>>;
export function defineJob(definition: {
  type: string;
  schema?: z.ZodType;
  handler: (payload: unknown, ctx: JobContext) => unknown;
}): JobDefinition {
  if (!isJobType(definition.type)) throw new TypeError(jobTypeRule(definition.type));
  if (typeof definition.handler !== 'function') {
    throw new TypeError(`job type ${definition.type}: handler must be a function`);
  }
  const { type, schema, handler } = definition;
  return Object.freeze(schema === undefined ? { type, handler } : { type, schema, handler });
}

// By shape rather than a brand, so definitions from another copy of this package (or plain objects) still count.
export function isJobDefinition(value: unknown): value is JobDefinition {
  return isDefinitionAttempt(value) && definitionFlaw(value) === null;
}

/** An object with a `type` and a `handler`: meant as a job definition, whether or not it is a valid one. */
function isDefinitionAttempt(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'handler' in value && 'type' in value;
}

/**
 * What is wrong with a value meant as a job definition (an object with a `type` and a `handler`), or
 * null when nothing is or it is no attempt at one: a module's other exports are not mistaken for
 * broken definitions.
 */
export function definitionFlaw(value: unknown): string | null {
  if (!isDefinitionAttempt(value)) return null;
  if (typeof value.handler !== 'function') return 'its handler is not a function';
  if (typeof value.type !== 'string' || !isJobType(value.type)) return jobTypeRule(value.type);
  if (value.schema !== undefined && typeof (value.schema as { safeParseAsync?: unknown }).safeParseAsync !== 'function') {
    return `job type ${value.type}: its schema is not a zod schema`;
  }
  return null;
}
