// Turns a validated enqueue request into the row the store inserts.
import type { NewJob } from '../store/job-store.js';
import type { BackoffStrategy } from './backoff.js';
import { newJobId } from './job-id.js';

/** An enqueue request after validation, with every default applied. */
export interface JobSpec {
  type: string;
  payload: unknown;
  queue: string;
  priority: number;
  run_at?: number | undefined;
  delay_ms?: number | undefined;
  max_attempts: number;
  backoff: { strategy: BackoffStrategy; base_ms: number; max_ms: number; jitter: boolean };
  timeout_ms: number;
  lease_ms: number;
  idempotency_key?: string | undefined;
  parent_id?: string | undefined;
}

export function newJob(spec: JobSpec, now: number): NewJob {
  return {
    id: newJobId(now),
    type: spec.type,
    queue: spec.queue,
    payload: JSON.stringify(spec.payload),
    priority: spec.priority,
    max_attempts: spec.max_attempts,
    backoff_strategy: spec.backoff.strategy,
    backoff_base_ms: spec.backoff.base_ms,
    backoff_max_ms: spec.backoff.max_ms,
    backoff_jitter: spec.backoff.jitter ? 1 : 0,
    timeout_ms: spec.timeout_ms,
    lease_ms: spec.lease_ms,
    // A past run_at means now: backdating must not jump the queue or age the queue's oldest job.
    run_at: Math.max(spec.run_at ?? now, now + (spec.delay_ms ?? 0)),
    idempotency_key: spec.idempotency_key ?? null,
    parent_id: spec.parent_id ?? null,
  };
}
