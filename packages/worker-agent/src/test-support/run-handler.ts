// Runs a job definition's handler as the agent would (payload parsed by its schema), with a minimal context.
import type { Job } from '@foreman/client';
import { pino } from 'pino';
import type { JobContext, JobDefinition } from '../define-job.js';

export async function runHandler<Payload, Result>(
  definition: JobDefinition<Payload, Result>,
  payload: unknown,
  signal: AbortSignal = new AbortController().signal,
): Promise<Result> {
  const parsed = definition.schema ? await definition.schema.parseAsync(payload) : (payload as Payload);
  const ctx: JobContext = {
    signal,
    attempt: 1,
    jobId: 'job-1',
    job: { id: 'job-1' } as Job,
    logger: pino({ level: 'silent' }),
    progress: () => undefined,
    enqueue: () => Promise.reject(new Error('enqueue is not available here')),
  };
  return definition.handler(parsed, ctx);
}
