// How stored rows appear in API responses (the `Job`, `JobEvent` and `Worker` schemas).
import { statusOfState } from '../jobs/job-status.js';
import type { WorkerSnapshot } from '../store/job-store.js';
import type { JobEventRow, JobRow, WorkerRow } from '../store/schema.js';

// Most timestamps of a response are the same few instants (a batch's `now`, its jobs' creation
// times), so recent conversions are remembered.
const isoByMs = new Map<number, string>();
const maxRemembered = 1024;

function iso(ms: number): string;
function iso(ms: number | null): string | null;
function iso(ms: number | null): string | null {
  if (ms === null) return null;
  let text = isoByMs.get(ms);
  if (text === undefined) {
    if (isoByMs.size >= maxRemembered) isoByMs.clear();
    text = new Date(Number(ms)).toISOString();
    isoByMs.set(ms, text);
  }
  return text;
}

function parsed(json: string | null): unknown {
  return json === null ? null : (JSON.parse(json) as unknown);
}

export function jobView(job: JobRow) {
  return {
    id: job.id,
    type: job.type,
    queue: job.queue,
    payload: parsed(job.payload),
    priority: job.priority,
    status: statusOfState(job.state),
    attempt: job.attempt,
    max_attempts: job.max_attempts,
    backoff: { strategy: job.backoff_strategy, base_ms: Number(job.backoff_base_ms), max_ms: Number(job.backoff_max_ms), jitter: job.backoff_jitter === 1 },
    timeout_ms: Number(job.timeout_ms),
    lease_ms: Number(job.lease_ms),
    run_at: iso(job.run_at),
    version: job.version,
    idempotency_key: job.idempotency_key,
    parent_id: job.parent_id,
    worker_id: job.worker_id,
    lease_expires_at: iso(job.lease_expires_at),
    progress: parsed(job.progress),
    result: parsed(job.result),
    error: parsed(job.error),
    cancel_requested: job.cancel_requested === 1,
    created_at: iso(job.created_at),
    updated_at: iso(job.updated_at),
    started_at: iso(job.started_at),
    finished_at: iso(job.finished_at),
  };
}

export function jobEventView(event: JobEventRow) {
  return {
    id: Number(event.id),
    job_id: event.job_id,
    type: event.type,
    at: iso(event.at),
    attempt: event.attempt,
    version: event.version,
    worker_id: event.worker_id,
    details: parsed(event.details),
  };
}

export function workerView(worker: WorkerSnapshot) {
  return {
    worker_id: worker.worker_id,
    first_seen: iso(worker.first_seen),
    last_seen: iso(worker.last_seen),
    running_jobs: worker.running_jobs,
    types: parsed(worker.types),
    queues: parsed(worker.queues),
    agent: parsed(worker.agent),
    draining: worker.drain_requested_at !== null,
  };
}

export function workerDrainView(worker: WorkerRow) {
  return { worker_id: worker.worker_id, draining: worker.drain_requested_at !== null, drain_requested_at: iso(worker.drain_requested_at) };
}
