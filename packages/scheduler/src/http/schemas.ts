// Runtime validation of every request body and query, mirroring openapi.yaml's schemas
// (a test compares the two, so they cannot drift apart unnoticed).
import { z } from 'zod';
import { jobStatuses } from '../jobs/job-status.js';

const namePattern = /^[A-Za-z0-9_.:-]+$/;
const nameMessage = 'must be 1-128 characters of letters, digits and _ . : -';

export const jobTypeSchema = z.string().min(1).max(128).regex(namePattern, nameMessage);
export const queueNameSchema = z.string().min(1).max(128).regex(namePattern, nameMessage);
/** Identifiers are stored as text columns, which PostgreSQL cannot give a NUL character. */
const noNul = /^[^\u0000]*$/;
const noNulMessage = 'must not contain NUL characters';
const idSchema = z.string().min(1).max(64).regex(noNul, noNulMessage);
const workerIdSchema = z.string().min(1).max(128).regex(noNul, noNulMessage);
/** RFC 3339 writes years with four digits: an offset must not carry the instant past them. */
const earliestInstantMs = Date.parse('0000-01-01T00:00:00Z');
const latestInstantMs = Date.parse('9999-12-31T23:59:59.999Z');
// RFC 3339 allows a lower-case `t` and `z`; zod's format takes only upper case.
const timestampSchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.toUpperCase() : value),
  z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time, e.g. 2026-11-22T07:33:03.123Z' }).refine((text) => {
    const ms = Date.parse(text);
    return ms >= earliestInstantMs && ms <= latestInstantMs;
  }, 'must be an instant between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z'),
);

export const backoffInputSchema = z.strictObject({
  strategy: z.enum(['exponential', 'linear', 'fixed']).default('exponential'),
  base_ms: z.int().min(0).max(86_400_000).default(1000),
  max_ms: z.int().min(0).max(604_800_000).default(3_600_000),
  jitter: z.boolean().default(true),
});

/** Shared by every job that names no backoff; nothing downstream mutates it. */
const backoffDefaults = Object.freeze(backoffInputSchema.parse({}));

export const jobInputSchema = z
  .strictObject({
    type: jobTypeSchema,
    payload: z.unknown().optional(),
    queue: queueNameSchema.default('default'),
    priority: z.int().min(-1000).max(1000).default(0),
    run_at: timestampSchema.optional(),
    delay_ms: z.int().min(0).max(31_536_000_000).optional(),
    max_attempts: z.int().min(1).max(100).default(3),
    backoff: backoffInputSchema.default(backoffDefaults),
    timeout_ms: z.int().min(1).max(86_400_000).default(300_000),
    lease_ms: z.int().min(100).max(3_600_000).default(30_000),
    idempotency_key: z.string().min(1).max(256).regex(noNul, noNulMessage).optional(),
    parent_id: idSchema.optional(),
  })
  .check((ctx) => {
    if (ctx.value.run_at !== undefined && ctx.value.delay_ms !== undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value.delay_ms, path: ['delay_ms'], message: 'give either run_at or delay_ms, not both' });
    }
  })
  // A spread, not a rest pattern: V8 copies the former on a fast path (a bulk enqueue does this 1,000 times).
  .transform((input) => ({
    ...input,
    payload: input.payload === undefined ? {} : input.payload,
    run_at: input.run_at === undefined ? undefined : Date.parse(input.run_at),
  }));

export const jobBatchInputSchema = z.strictObject({
  jobs: z.array(jobInputSchema).min(1).max(1000),
  return_jobs: z.boolean().default(true),
});

export const retryInputSchema = z.strictObject({
  max_attempts: z.int().min(1).max(1000).optional(),
});

export const agentInfoSchema = z.strictObject({
  hostname: z.string().max(256).optional(),
  version: z.string().max(64).optional(),
  concurrency: z.int().min(1).max(10_000).optional(),
  prefetch: z.int().min(0).max(1_000).optional(),
});

export const leaseInputSchema = z.strictObject({
  worker_id: workerIdSchema,
  types: z.array(jobTypeSchema).min(1).max(100).optional(),
  queues: z.array(queueNameSchema).min(1).max(100).optional(),
  max: z.int().min(1).max(100).default(1),
  wait_ms: z.int().min(0).max(60_000).default(0),
  agent: agentInfoSchema.optional(),
});

export const progressInputSchema = z.strictObject({
  current: z.number().min(0),
  total: z.number().min(0).optional(),
  message: z.string().max(1024).optional(),
});

export const heartbeatInputSchema = z.strictObject({
  worker_id: workerIdSchema,
  version: z.int().min(1),
  progress: progressInputSchema.optional(),
});

export const heartbeatItemSchema = z.strictObject({
  id: idSchema,
  version: z.int().min(1),
  progress: progressInputSchema.optional(),
});

export type ProgressInput = z.infer<typeof progressInputSchema>;

/** A job's lease is extended once per request: a second heartbeat for it would say nothing new. */
function eachJobOnce(ctx: z.core.ParsePayload<Array<{ id: string }>>): void {
  const seen = new Set<string>();
  ctx.value.forEach(({ id }, index) => {
    if (seen.has(id)) ctx.issues.push({ code: 'custom', input: id, path: [index, 'id'], message: 'names a job already heartbeated in this request' });
    seen.add(id);
  });
}

export const heartbeatBatchInputSchema = z.strictObject({
  worker_id: workerIdSchema,
  heartbeats: z.array(heartbeatItemSchema).min(1).max(1000).check(eachJobOnce),
});

export const jobErrorInputSchema = z.strictObject({
  message: z.string().max(65_536),
  code: z.string().min(1).max(128).optional(),
  retryable: z.boolean().default(true),
});

const reportFields = {
  version: z.int().min(1),
  status: z.enum(['completed', 'failed']),
  result: z.unknown().optional(),
  error: jobErrorInputSchema.optional(),
};

/** A report carries a result or an error, whichever its status calls for. */
function outcomeMatchesStatus(ctx: z.core.ParsePayload<{ status: 'completed' | 'failed'; result?: unknown; error?: unknown }>): void {
  if (ctx.value.status === 'completed' && ctx.value.error !== undefined) {
    ctx.issues.push({ code: 'custom', input: ctx.value.error, path: ['error'], message: 'only a failed report carries an error' });
  }
  if (ctx.value.status === 'failed' && ctx.value.result !== undefined) {
    ctx.issues.push({ code: 'custom', input: ctx.value.result, path: ['result'], message: 'only a completed report carries a result' });
  }
}

export const completeInputSchema = z.strictObject({ worker_id: workerIdSchema, ...reportFields }).check(outcomeMatchesStatus);

export const reportItemSchema = z.strictObject({ id: idSchema, ...reportFields }).check(outcomeMatchesStatus);

export const reportBatchInputSchema = z.strictObject({
  worker_id: workerIdSchema,
  reports: z.array(reportItemSchema).min(1).max(100),
  lease: z
    .strictObject({
      max: z.int().min(1).max(100),
      types: leaseInputSchema.shape.types,
      queues: leaseInputSchema.shape.queues,
      agent: leaseInputSchema.shape.agent,
    })
    .optional(),
  return_jobs: z.boolean().default(true),
});

const statusListSchema = z.array(z.enum(jobStatuses)).min(1);

export const listQuerySchema = z.strictObject({
  status: statusListSchema.optional(),
  type: jobTypeSchema.optional(),
  queue: queueNameSchema.optional(),
  parent_id: idSchema.optional(),
  created_after: timestampSchema.optional(),
  created_before: timestampSchema.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of jobs, 1 to 500')
    .transform(Number)
    .pipe(z.int().min(1).max(500))
    .default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export const jobPathSchema = z.object({ id: idSchema });

export const workerPathSchema = z.object({ id: workerIdSchema });

export type JobInput = z.output<typeof jobInputSchema>;
export type LeaseInput = z.output<typeof leaseInputSchema>;
export type CompleteInput = z.output<typeof completeInputSchema>;
export type ReportOutcomeInput = Pick<CompleteInput, 'status' | 'result' | 'error'>;
