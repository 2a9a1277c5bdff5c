// Enqueue, inspect, cancel and retry jobs.
import { Hono, type Context } from 'hono';
import { InvalidInputError, JobNotFoundError, type FieldError } from '../../jobs/job-errors.js';
import type { JobStatus } from '../../jobs/job-status.js';
import type { JobSpec } from '../../jobs/new-job.js';
import type { JobService } from '../../job-service.js';
import { assertMayEnqueue, mayReadAnyJob } from '../auth/principal.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { assertPayloadsFit } from '../payload-limit.js';
import { readBody, readOptionalBody, validate } from '../read-request.js';
import { logAbout } from '../request-context.js';
import { jobBatchInputSchema, jobInputSchema, jobPathSchema, listQuerySchema, retryInputSchema } from '../schemas.js';
import { jobEventView, jobView } from '../views.js';

async function refuseMissingParents(service: JobService, specs: JobSpec[], pathOf: (index: number) => string): Promise<void> {
  const missing = await service.missingParents(specs);
  if (missing.length) {
    throw new InvalidInputError(missing.map((index) => ({ path: pathOf(index), message: 'names no existing job' })));
  }
}

/**
 * Query parameters as an object; `status` may repeat or hold a comma-separated list. The object
 * has no prototype, so `__proto__` is a parameter like any other (and refused as unknown).
 */
function listQuery(url: URL): Record<string, unknown> {
  const query: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const repeated: FieldError[] = [];
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    if (key === 'status') query[key] = values.flatMap((value) => value.split(',')).filter(Boolean);
    else if (values.length === 1) query[key] = values[0];
    else repeated.push({ path: `/${key}`, message: 'is given more than once; it takes one value' });
  }
  if (repeated.length) throw new InvalidInputError(repeated);
  return query;
}

/**
 * The first whole millisecond at or after a timestamp. Jobs are stamped in whole milliseconds, so
 * "at or after" and "strictly before" a finer instant both compare with it (Date.parse truncates).
 */
function firstMillisecondFrom(timestamp: string): number {
  const beyondMilliseconds = /\.\d{3}(\d+)/.exec(timestamp)?.[1] ?? '';
  return Date.parse(timestamp) + (/[1-9]/.test(beyondMilliseconds) ? 1 : 0);
}

/**
 * The `{id}` of the path, refused with a 400 naming `/id` when it cannot be a job id; the
 * request's log lines carry it from here on.
 */
export function jobIdParam(c: Context): string {
  const { id } = validate(jobPathSchema, { id: c.req.param('id') });
  logAbout(c, { job_id: id });
  return id;
}

export function jobRoutes(service: JobService, maxPayloadBytes: number): Hono {
  const routes = new Hono();

  routes.post('/jobs', async (c) => {
    const spec = await readBody(c, jobInputSchema);
    assertMayEnqueue(c, [spec]);
    assertPayloadsFit([spec.payload], maxPayloadBytes, () => '/payload');
    await refuseMissingParents(service, [spec], () => '/parent_id');
    // A caller that may not read jobs must not see one through its idempotency key.
    const [outcome] = await service.enqueue([spec], { keysWithinParent: !mayReadAnyJob(c) });
    return c.json(jobView(outcome!.job), outcome!.created ? 201 : 200);
  });

  routes.post('/jobs/batch', async (c) => {
    const { jobs, return_jobs: returnJobs } = await readBody(c, jobBatchInputSchema);
    assertMayEnqueue(c, jobs);
    assertPayloadsFit(jobs.map((job) => job.payload), maxPayloadBytes, (index) => `/jobs/${index}/payload`);
    await refuseMissingParents(service, jobs, (index) => `/jobs/${index}/parent_id`);
    const outcomes = await service.enqueue(jobs, { keysWithinParent: !mayReadAnyJob(c) });
    return c.json({ jobs: returnJobs ? outcomes.map((outcome) => jobView(outcome.job)) : [], ids: outcomes.map((outcome) => outcome.job.id) }, 201);
  });

  routes.get('/jobs', async (c) => {
    const query = validate(listQuerySchema, listQuery(new URL(c.req.url)));
    const page = await service.listJobs({
      statuses: query.status as JobStatus[] | undefined,
      type: query.type,
      queue: query.queue,
      parentId: query.parent_id,
      createdAfter: query.created_after === undefined ? undefined : firstMillisecondFrom(query.created_after),
      createdBefore: query.created_before === undefined ? undefined : firstMillisecondFrom(query.created_before),
      limit: query.limit,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    return c.json({ jobs: page.jobs.map(jobView), next_cursor: page.next && encodeCursor(page.next) });
  });

  routes.get('/jobs/:id', async (c) => {
    const id = jobIdParam(c);
    const job = await service.getJob(id);
    if (!job) throw new JobNotFoundError(id);
    return c.json(jobView(job));
  });

  routes.get('/jobs/:id/events', async (c) => {
    const id = jobIdParam(c);
    const events = await service.listJobEvents(id);
    if (!events) throw new JobNotFoundError(id);
    return c.json({ events: events.map(jobEventView) });
  });

  routes.post('/jobs/:id/cancel', async (c) => {
    const { job, immediate } = await service.cancel(jobIdParam(c));
    return c.json(jobView(job), immediate ? 200 : 202);
  });

  routes.post('/jobs/:id/retry', async (c) => {
    const id = jobIdParam(c);
    const { max_attempts } = await readOptionalBody(c, retryInputSchema);
    return c.json(jobView(await service.retry(id, max_attempts)));
  });

  return routes;
}
