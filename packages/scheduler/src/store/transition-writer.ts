// Writes the transitions of one store operation: each job's update at once (version-guarded),
// its events and the per-status counts at the end, so an operation on many jobs costs one
// multi-row insert and one count update per queue, type and status instead of one per job. On
// PostgreSQL the count rows are shared by every replica's transactions; updating them last keeps
// their row locks held only until the commit that follows.
import { JobConflictError } from '../jobs/job-errors.js';
import { statusOfState, type JobStatus } from '../jobs/job-status.js';
import type { EventDraft, Transition } from '../jobs/state-machine.js';
import { eventRows, type JobQueries } from './job-queries.js';
import type { JobRow, NewJobEventRow } from './schema.js';
import type { QueryRunner } from './transactor.js';

interface CountDelta {
  queue: string;
  type: string;
  status: JobStatus;
  delta: number;
}

export class TransitionWriter {
  private readonly events: NewJobEventRow[] = [];
  private readonly counts = new Map<string, CountDelta>();

  constructor(
    readonly tx: QueryRunner,
    private readonly queries: JobQueries,
    readonly now: number,
  ) {}

  /** Inserts new jobs, counted as pending, with their creation events. */
  async insert(jobs: Array<{ job: JobRow; events: EventDraft[] }>): Promise<void> {
    for (const query of this.queries.insertJobs(jobs.map(({ job }) => job))) await this.tx.run(query);
    for (const { job, events } of jobs) {
      this.count(job, statusOfState(job.state), 1);
      this.record(job, events);
    }
  }

  /** Writes a transition guarded by the version it was computed from; zero rows is a conflict. */
  async apply(job: JobRow, transition: Transition): Promise<JobRow> {
    const changed = await this.tx.run(this.queries.updateJobAtVersion(job.id, job.version, transition.changes));
    if (changed !== 1) {
      const current = (await this.tx.first(this.queries.jobById(job.id))) ?? job;
      throw new JobConflictError('The job changed while this request was applied.', statusOfState(current.state), current.version);
    }
    const updated = { ...job, ...transition.changes };
    const [before, after] = [statusOfState(job.state), statusOfState(updated.state)];
    if (before !== after) {
      this.count(job, before, -1);
      this.count(job, after, 1);
    }
    this.record(updated, transition.events);
    return updated;
  }

  /** Counts deleted jobs out of their status. */
  deleted(jobs: Array<Pick<JobRow, 'queue' | 'type'>>, status: JobStatus): void {
    for (const job of jobs) this.count(job, status, -1);
  }

  /** Records events against the job as it stands, or as `stamp` says it stood. */
  record(job: JobRow, events: EventDraft[], stamp: Partial<JobRow> = {}): void {
    if (events.length) this.events.push(...eventRows({ ...job, ...stamp }, events, this.now));
  }

  /** Events recorded in this operation but not yet written, for this job at this version by this worker. */
  pendingEvents({ job_id, version, worker_id }: Pick<NewJobEventRow, 'job_id' | 'version' | 'worker_id'>): NewJobEventRow[] {
    return this.events.filter((event) => event.job_id === job_id && event.version === version && event.worker_id === worker_id);
  }

  /** Writes the events and counts gathered; call once, last, inside the same transaction. */
  async finish(): Promise<void> {
    for (const query of this.queries.insertEvents(this.events)) await this.tx.run(query);
    // In key order, so that concurrent transactions (other replicas) lock the count rows in the same order.
    for (const key of [...this.counts.keys()].sort()) {
      const delta = this.counts.get(key)!;
      if (delta.delta !== 0) await this.tx.run(this.queries.adjustCount(delta));
    }
  }

  private count(job: Pick<JobRow, 'queue' | 'type'>, status: JobStatus, delta: number): void {
    const key = `${status}\u0000${job.queue}\u0000${job.type}`;
    const entry = this.counts.get(key);
    if (entry) entry.delta += delta;
    else this.counts.set(key, { queue: job.queue, type: job.type, status, delta });
  }
}
