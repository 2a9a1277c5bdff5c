// The job store over SQL: each operation reads the job, asks the state machine for the
// transition and writes it guarded by the version it read, all in one transaction.
import { JobConflictError, JobNotFoundError } from '../jobs/job-errors.js';
import { statusOfState, type JobStatus } from '../jobs/job-status.js';
import * as machine from '../jobs/state-machine.js';
import type {
  Claimant,
  EnqueueOutcome,
  EnqueueResult,
  JobFilter,
  JobPage,
  JobStore,
  NewJob,
  ReportOutcome,
  RunnableJob,
  StatsSnapshot,
  WorkerSeen,
  WorkerSnapshot,
} from './job-store.js';
import { eventRows, type JobQueries } from './job-queries.js';
import type { JobEventRow, JobRow, WorkerRow } from './schema.js';
import type { QueryRunner, Transactor } from './transactor.js';

export class SqlJobStore implements JobStore {
  constructor(
    private readonly transactor: Transactor,
    private readonly queries: JobQueries,
    private readonly random: () => number = Math.random,
  ) {}

  enqueueJobs({ jobs, now, handOffTo = [] }: { jobs: NewJob[]; now: number; handOffTo?: Claimant[] }): Promise<EnqueueResult> {
    return this.transactor.write(async (tx) => {
      const outcomes: EnqueueOutcome[] = [];
      const events = [];
      for (const spec of jobs) {
        if (spec.idempotency_key != null) {
          const existing = await tx.first(this.queries.jobByIdempotencyKey(spec.idempotency_key));
          if (existing) {
            outcomes.push({ job: existing, created: false });
            continue;
          }
        }
        const { job, events: created } = machine.create(spec, { now });
        await tx.run(this.queries.insertJob(job));
        events.push(...eventRows(job, created, now));
        outcomes.push({ job, created: true });
      }
      if (events.length) await tx.run(this.queries.insertEvents(events));
      await this.countNewJobs(tx, outcomes);
      const handedOff: JobRow[][] = [];
      for (const claimant of handOffTo) handedOff.push(await this.claimIn(tx, { ...claimant, now }));
      // The producer sees its job as it stands at commit: already running if it was handed off.
      const leased = new Map(handedOff.flat().map((job) => [job.id, job]));
      return { outcomes: outcomes.map((outcome) => ({ ...outcome, job: leased.get(outcome.job.id) ?? outcome.job })), handedOff };
    });
  }

  claimJobs(params: Claimant & { now: number }): Promise<JobRow[]> {
    return this.transactor.write((tx) => this.claimIn(tx, params));
  }

  private async claimIn(tx: QueryRunner, params: Claimant & { now: number }): Promise<JobRow[]> {
    const candidates = await this.runnableCandidates(tx, params);
    const leased: JobRow[] = [];
    const events = [];
    for (const job of candidates) {
      const transition = machine.lease(job, { workerId: params.workerId, now: params.now });
      const updated = await this.apply(tx, job, transition);
      leased.push(updated);
      events.push(...eventRows(updated, transition.events, params.now));
    }
    if (events.length) await tx.run(this.queries.insertEvents(events));
    return leased;
  }

  releaseJobs({ jobs, now }: { jobs: Array<{ id: string; version: number }>; now: number }): Promise<JobRow[]> {
    return this.transactor.write(async (tx) => {
      const released: JobRow[] = [];
      for (const { id, version } of jobs) {
        const job = await this.load(tx, id);
        // Anything that moved the job since (a cancel, say) wins over the release.
        if (job.version !== version || job.state !== 'running') continue;
        const transition = machine.releaseLease(job, { now });
        const updated = await this.apply(tx, job, transition);
        await this.record(tx, updated, transition.events, now);
        released.push(updated);
      }
      return released;
    });
  }

  heartbeatJob(params: { id: string; workerId: string; version: number; progress: machine.Progress | undefined; now: number }): Promise<JobRow> {
    return this.transactor.write(async (tx) => {
      const job = await this.load(tx, params.id);
      machine.assertHoldsLease(job, params);
      const transition = machine.heartbeat(job, params);
      const updated = await this.apply(tx, job, transition);
      await this.record(tx, updated, transition.events, params.now);
      return updated;
    });
  }

  async reportJob({ id, workerId, version, outcome, now }: { id: string; workerId: string; version: number; outcome: ReportOutcome; now: number }): Promise<JobRow> {
    const settled = await this.transactor.write(async (tx): Promise<{ job: JobRow } | { refused: JobConflictError }> => {
      const job = await this.load(tx, id);
      try {
        machine.assertHoldsLease(job, { workerId, version });
      } catch (error) {
        if (!(error instanceof JobConflictError)) throw error;
        if (await this.isRepeatedReport(tx, { jobId: id, version, workerId, status: outcome.status })) return { job };
        // The refused work is kept in the history, so no result is silently thrown away.
        const superseded = { ...supersededDetails(outcome), reported_version: version, reported_by: workerId };
        await this.record(tx, job, [{ type: 'report_superseded', details: superseded }], now, { version, worker_id: workerId });
        return { refused: error };
      }
      const transition =
        outcome.status === 'completed'
          ? machine.complete(job, { result: outcome.result, now })
          : machine.fail(job, { error: outcome.error, now, random: this.random, details: { report: 'failed' } });
      const updated = await this.apply(tx, job, transition);
      await this.record(tx, updated, transition.events, now);
      return { job: updated };
    });
    if ('refused' in settled) throw settled.refused;
    return settled.job;
  }

  cancelJob({ id, now }: { id: string; now: number }): Promise<{ job: JobRow; immediate: boolean }> {
    return this.transactor.write(async (tx) => {
      const job = await this.load(tx, id);
      const transition = machine.cancel(job, { now });
      const updated = transition.events.length ? await this.apply(tx, job, transition) : job;
      await this.record(tx, updated, transition.events, now);
      return { job: updated, immediate: transition.immediate };
    });
  }

  retryJob({ id, maxAttempts, now }: { id: string; maxAttempts: number | undefined; now: number }): Promise<JobRow> {
    return this.transactor.write(async (tx) => {
      const job = await this.load(tx, id);
      const transition = machine.retry(job, { maxAttempts, now });
      const updated = await this.apply(tx, job, transition);
      await this.record(tx, updated, transition.events, now);
      return updated;
    });
  }

  expireLeases({ now, limit }: { now: number; limit: number }): Promise<JobRow[]> {
    return this.transactor.write(async (tx) => {
      const expired = await tx.all(this.queries.expiredLeases({ now, limit }));
      const ended: JobRow[] = [];
      const events = [];
      for (const job of expired) {
        const transition = machine.expireLease(job, { now, random: this.random });
        const updated = await this.apply(tx, job, transition);
        events.push(...eventRows(updated, transition.events, now));
        ended.push(updated);
      }
      if (events.length) await tx.run(this.queries.insertEvents(events));
      return ended;
    });
  }

  promoteDueJobs(params: { now: number; limit: number }): Promise<RunnableJob[]> {
    return this.transactor.write((tx) => tx.all(this.queries.promoteDue(params)));
  }

  sampleRunnable(limit: number): Promise<RunnableJob[]> {
    return this.transactor.reader.all(this.queries.runnableSample(limit));
  }

  async nextDueAt(): Promise<number | null> {
    const row = await this.transactor.reader.first(this.queries.nextDueAt());
    return row ? Number(row.run_at) : null;
  }

  recordWorkerSeen(seen: WorkerSeen): Promise<void> {
    return this.transactor.write(async (tx) => {
      await tx.run(this.queries.upsertWorker(seen));
    });
  }

  deleteFinishedJobs({ status, before, limit }: { status: 'completed' | 'failed' | 'cancelled'; before: number; limit: number }): Promise<number> {
    return this.transactor.write(async (tx) => {
      const doomed = await tx.all(this.queries.finishedJobsBefore({ status, before, limit }));
      if (!doomed.length) return 0;
      const ids = doomed.map((job) => job.id);
      await tx.run(this.queries.deleteEventsOfJobs(ids));
      await tx.run(this.queries.deleteJobs(ids));
      const perKind = new Map<string, { queue: string; type: string; delta: number }>();
      for (const { queue, type } of doomed) {
        const key = JSON.stringify([queue, type]);
        const entry = perKind.get(key) ?? { queue, type, delta: 0 };
        entry.delta--;
        perKind.set(key, entry);
      }
      for (const entry of perKind.values()) await tx.run(this.queries.adjustCount({ ...entry, status }));
      return doomed.length;
    });
  }

  setWorkerDrain({ workerId, requestedAt }: { workerId: string; requestedAt: number | null }): Promise<WorkerRow | undefined> {
    return this.transactor.write(async (tx) => {
      const changed = await tx.run(this.queries.setWorkerDrain(workerId, requestedAt));
      return changed ? tx.first(this.queries.workerById(workerId)) : undefined;
    });
  }

  async drainingWorkers(): Promise<string[]> {
    const rows = await this.transactor.reader.all(this.queries.drainingWorkers());
    return rows.map((row) => row.worker_id);
  }

  getJob(id: string): Promise<JobRow | undefined> {
    return this.transactor.reader.first(this.queries.jobById(id));
  }

  async listJobs(filter: JobFilter): Promise<JobPage> {
    // As with claims: one index read per status, merged, so none of them sorts a whole status.
    const perStatus = filter.statuses && filter.statuses.length > 1 ? filter.statuses.map((status) => ({ ...filter, statuses: [status] })) : [filter];
    const pages = await Promise.all(perStatus.map((part) => this.transactor.reader.all(this.queries.listJobs(part))));
    const rows = pages.length === 1 ? pages[0]! : pages.flat().sort(newestFirst).slice(0, filter.limit + 1);
    const jobs = rows.slice(0, filter.limit);
    const last = jobs[jobs.length - 1];
    return { jobs, next: rows.length > filter.limit && last ? { createdAt: last.created_at, id: last.id } : null };
  }

  async listJobEvents(id: string): Promise<JobEventRow[] | undefined> {
    const events = await this.transactor.reader.all(this.queries.eventsOfJob(id));
    if (events.length) return events;
    // Every job has an `enqueued` event, so no events means no job, unless it is mid-insert.
    return (await this.getJob(id)) ? [] : undefined;
  }

  async listWorkers({ seenSince }: { seenSince: number }): Promise<WorkerSnapshot[]> {
    const [workers, running] = await Promise.all([
      this.transactor.reader.all(this.queries.workersSeenSince(seenSince)),
      this.transactor.reader.all(this.queries.runningJobsPerWorker()),
    ]);
    const runningByWorker = new Map(running.map((row) => [row.worker_id, Number(row.count)]));
    return workers.map((worker) => ({ ...worker, running_jobs: runningByWorker.get(worker.worker_id) ?? 0 }));
  }

  async getStats(): Promise<StatsSnapshot> {
    const reader = this.transactor.reader;
    const [counts, queues] = await Promise.all([reader.all(this.queries.countsByQueueTypeStatus()), reader.all(this.queries.queuesWithPendingJobs())]);
    const oldest = await Promise.all(queues.map(async ({ queue }) => ({ queue, row: await reader.first(this.queries.oldestRunnableIn(queue)) })));
    return {
      counts: counts.map((row) => ({ ...row, status: row.status as JobStatus, count: Number(row.count) })),
      oldestRunnable: oldest.flatMap(({ queue, row }) => (row ? [{ queue, run_at: Number(row.run_at) }] : [])),
    };
  }

  async ping(): Promise<void> {
    await this.transactor.reader.first(this.queries.ping());
  }

  close(): Promise<void> {
    return this.transactor.close();
  }

  /**
   * The first `max` runnable jobs in lease order. An index cannot yield several types (or
   * queues) in one order, so each is read from its own index, `max` at most, and merged here.
   */
  private async runnableCandidates(tx: QueryRunner, { types, queues, max }: { types: string[] | null; queues: string[] | null; max: number }): Promise<JobRow[]> {
    const byType = types && (!queues || types.length <= queues.length);
    const partitions = byType ? types.map((type) => ({ type, types: null, queues })) : queues ? queues.map((queue) => ({ queue, types, queues: null })) : [{ types, queues }];
    if (partitions.length === 1) return tx.all(this.queries.runnableJobs({ ...partitions[0]!, max }));
    const merged = (await Promise.all(partitions.map((partition) => tx.all(this.queries.runnableJobs({ ...partition, max }))))).flat();
    return merged.sort(leaseOrder).slice(0, max);
  }

  /** New jobs are pending; one count update per queue and type, however many jobs. */
  private async countNewJobs(tx: QueryRunner, outcomes: EnqueueOutcome[]): Promise<void> {
    const perKind = new Map<string, { queue: string; type: string; delta: number }>();
    for (const { job, created } of outcomes) {
      if (!created) continue;
      const key = JSON.stringify([job.queue, job.type]);
      const entry = perKind.get(key) ?? { queue: job.queue, type: job.type, delta: 0 };
      entry.delta++;
      perKind.set(key, entry);
    }
    for (const entry of perKind.values()) await tx.run(this.queries.adjustCount({ ...entry, status: 'pending' }));
  }

  private async load(tx: QueryRunner, id: string): Promise<JobRow> {
    const job = await tx.first(this.queries.jobByIdForUpdate(id));
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  /** Writes a transition guarded by the version it was computed from; zero rows is a conflict. */
  private async apply(tx: QueryRunner, job: JobRow, transition: machine.Transition): Promise<JobRow> {
    const changed = await tx.run(this.queries.updateJobAtVersion(job.id, job.version, transition.changes));
    if (changed !== 1) {
      const current = (await tx.first(this.queries.jobById(job.id))) ?? job;
      throw new JobConflictError('The job changed while this request was applied.', statusOfState(current.state), current.version);
    }
    const updated = { ...job, ...transition.changes };
    const [before, after] = [statusOfState(job.state), statusOfState(updated.state)];
    if (before !== after) {
      await tx.run(this.queries.adjustCount({ queue: job.queue, type: job.type, status: before, delta: -1 }));
      await tx.run(this.queries.adjustCount({ queue: job.queue, type: job.type, status: after, delta: 1 }));
    }
    return updated;
  }

  private async record(tx: QueryRunner, job: JobRow, events: machine.EventDraft[], now: number, stamp: Partial<JobRow> = {}): Promise<void> {
    if (events.length) await tx.run(this.queries.insertEvents(eventRows({ ...job, ...stamp }, events, now)));
  }

  private async isRepeatedReport(tx: QueryRunner, { jobId, version, workerId, status }: { jobId: string; version: number; workerId: string; status: string }): Promise<boolean> {
    const events = await tx.all(this.queries.reportEvent({ jobId, version: version + 1, workerId }));
    return events.some((event) => (JSON.parse(event.details) as { report?: string }).report === status);
  }
}

function newestFirst(a: JobRow, b: JobRow): number {
  return b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function leaseOrder(a: JobRow, b: JobRow): number {
  return b.priority - a.priority || a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function supersededDetails(outcome: ReportOutcome): Record<string, unknown> {
  return outcome.status === 'completed'
    ? { status: 'completed', result: outcome.result === null ? null : (JSON.parse(outcome.result) as unknown) }
    : { status: 'failed', error: outcome.error };
}
