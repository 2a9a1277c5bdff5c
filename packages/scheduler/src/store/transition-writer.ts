// Writes the transitions of one store operation: the jobs' updates (version-guarded) staged and
// written before anything reads the jobs again, on PostgreSQL together in one statement per set
// of changed columns (`writesTransitionsTogether`); their events and the per-status counts at the
// end. An operation on many jobs then costs a few statements instead of several per job. On
// PostgreSQL the count rows are shared by every replica's transactions; updating them last keeps
// their row locks held only until the commit that follows.
import { JobConflictError } from '../jobs/job-errors.js';
import { statusOfState, type JobStatus } from '../jobs/job-status.js';
import type { EventDraft, Transition } from '../jobs/state-machine.js';
import { changedColumns, eventRows, type JobQueries, type VersionedUpdate } from './job-queries.js';
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
  private staged: Array<{ job: JobRow; update: VersionedUpdate }> = [];
  /** The count rows this operation adds to: concurrent operations on PostgreSQL mostly pick others. */
  private readonly stripe: number;

  constructor(
    readonly tx: QueryRunner,
    private readonly queries: JobQueries,
    readonly now: number,
  ) {
    this.stripe = Math.floor(Math.random() * queries.dialect.countStripes);
  }

  /** Inserts new jobs, counted as pending, with their creation events. */
  async insert(jobs: Array<{ job: JobRow; events: EventDraft[] }>): Promise<void> {
    for (const query of this.queries.insertJobs(jobs.map(({ job }) => job))) await this.tx.run(query);
    for (const { job, events } of jobs) {
      this.count(job, statusOfState(job.state), 1);
      this.record(job, events);
    }
  }

  /** Writes a transition guarded by the version it was computed from; a job moved on meanwhile is a conflict. */
  async apply(job: JobRow, transition: Transition): Promise<JobRow> {
    const updated = this.stage(job, transition);
    await this.writeStaged();
    return updated;
  }

  /**
   * Takes a transition to write with the others staged: call `writeStaged` before anything reads
   * jobs again in this operation. Records its events and counts now; returns the job as it will stand.
   */
  stage(job: JobRow, transition: Transition): JobRow {
    this.staged.push({ job, update: { id: job.id, expectedVersion: job.version, changes: transition.changes } });
    const updated = { ...job, ...transition.changes };
    const [before, after] = [statusOfState(job.state), statusOfState(updated.state)];
    if (before !== after) {
      this.count(job, before, -1);
      this.count(job, after, 1);
    }
    this.record(updated, transition.events);
    return updated;
  }

  /** Writes the staged transitions; one whose job moved on since it was read fails the whole operation. */
  async writeStaged(): Promise<void> {
    const staged = this.staged;
    if (!staged.length) return;
    this.staged = [];
    if (staged.length === 1 || !this.queries.dialect.writesTransitionsTogether) {
      for (const { job, update } of staged) {
        if ((await this.tx.run(this.queries.updateJobAtVersion(update.id, update.expectedVersion, update.changes))) !== 1) await this.conflict(job);
      }
      return;
    }
    const byColumns = new Map<string, typeof staged>();
    for (const entry of staged) {
      const key = changedColumns(entry.update.changes).join();
      const group = byColumns.get(key);
      if (group) group.push(entry);
      else byColumns.set(key, [entry]);
    }
    for (const group of byColumns.values()) {
      const changed = new Set<string>();
      for (const query of this.queries.updateJobsAtVersions(group.map((entry) => entry.update))) {
        for (const row of await this.tx.all(query)) changed.add(row.id);
      }
      const moved = group.find((entry) => !changed.has(entry.job.id));
      if (moved) await this.conflict(moved.job);
    }
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

  /** Writes what is still staged, then the events and counts gathered; call once, last, inside the same transaction. */
  async finish(): Promise<void> {
    await this.writeStaged();
    for (const query of this.queries.insertEvents(this.events)) await this.tx.run(query);
    // In key order, so that concurrent transactions (other replicas) lock the count rows in the same order.
    for (const key of [...this.counts.keys()].sort()) {
      const delta = this.counts.get(key)!;
      if (delta.delta !== 0) await this.tx.run(this.queries.adjustCount({ ...delta, stripe: this.stripe }));
    }
  }

  private async conflict(job: JobRow): Promise<never> {
    const current = (await this.tx.first(this.queries.jobById(job.id))) ?? job;
    throw new JobConflictError('The job changed while this request was applied.', statusOfState(current.state), current.version);
  }

  private count(job: Pick<JobRow, 'queue' | 'type'>, status: JobStatus, delta: number): void {
    const key = `${status}\u0000${job.queue}\u0000${job.type}`;
    const entry = this.counts.get(key);
    if (entry) entry.delta += delta;
    else this.counts.set(key, { queue: job.queue, type: job.type, status, delta });
  }
}
