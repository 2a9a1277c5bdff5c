// The database tables as kysely sees them. Timestamps are integer milliseconds since the epoch;
// JSON values are stored as text so that both dialects read them the same way.
import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * Where a job is in its life. `scheduled` and `available` are both `pending` in the API:
 * the split keeps jobs that are not due yet out of the leasing index.
 */
export type JobState = 'scheduled' | 'available' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobsTable {
  id: string;
  type: string;
  queue: string;
  payload: string;
  priority: number;
  state: JobState;
  attempt: number;
  max_attempts: number;
  backoff_strategy: 'exponential' | 'linear' | 'fixed';
  backoff_base_ms: number;
  backoff_max_ms: number;
  backoff_jitter: number;
  timeout_ms: number;
  lease_ms: number;
  run_at: number;
  version: number;
  idempotency_key: string | null;
  parent_id: string | null;
  worker_id: string | null;
  lease_expires_at: number | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  cancel_requested: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface JobEventsTable {
  id: Generated<number>;
  job_id: string;
  type: string;
  at: number;
  attempt: number;
  version: number;
  worker_id: string | null;
  details: string;
}

export interface WorkersTable {
  worker_id: string;
  first_seen: number;
  last_seen: number;
  types: string | null;
  queues: string | null;
  agent: string | null;
  /** When an operator asked this agent to drain; null while it may take work. */
  drain_requested_at: number | null;
}

/** How many jobs each queue and type had in each API status, as counted before stripes (005). */
export interface JobCountsTable {
  queue: string;
  type: string;
  status: string;
  count: number;
}

/** What every transition adds to the counts per queue, type and status, in one of several stripes; a count is the sum. */
export interface JobCountStripesTable extends JobCountsTable {
  stripe: number;
}

export interface Database {
  jobs: JobsTable;
  job_events: JobEventsTable;
  workers: WorkersTable;
  job_counts: JobCountsTable;
  job_count_stripes: JobCountStripesTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type JobEventRow = Selectable<JobEventsTable>;
export type NewJobEventRow = Insertable<JobEventsTable>;
export type WorkerRow = Selectable<WorkersTable>;
