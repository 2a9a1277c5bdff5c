// The job store over SQL: each operation reads the job, asks the state machine for the
// transition and writes it guarded by the version it read, all in one transaction.
import { isDeepStrictEqual } from 'node:util';
import { ForeignIdempotencyKeyError, JobNotFoundError, LeaseOwnerError } from '../jobs/job-errors.js';
import type { JobStatus } from '../jobs/job-status.js';
import * as machine from '../jobs/state-machine.js';
import type {
  Claimant,
  EnqueueOutcome,
  EnqueueResult,
  JobFilter,
  JobHeartbeat,
  JobPage,
  JobReport,
  JobStore,
  NewJob,
  ReportOutcome,
  ReportsResult,
  RunnableJob,
  Settled,
  StatsSnapshot,
  WorkerSeen,
  WorkerSnapshot,
} from './job-store.js';
import { reportEventTypes, type JobQueries } from './job-queries.js';
import type { JobEventRow, JobRow, WorkerRow } from './schema.js';
import type { QueryRunner, Transactor } from './transactor.js';
import { TransitionWriter } from './transition-writer.js';

export class SqlJobStore implements JobStore {
  constructor(
    private readonly transactor: Transactor,
    private readonly queries: JobQueries,
    private readonly random: () => number = Math.random,
  ) {}

  enqueueJobs({ jobs, now, handOffTo = [], keysWithinParent = false }: { jobs: NewJob[]; now: number; handOffTo?: Claimant[]; keysWithinParent?: boolean }): Promise<EnqueueResult> {
    return this.writing(now, async (writer) => {
      const outcomes: EnqueueOutcome[] = [];
      const created: Array<{ job: JobRow; events: machine.EventDraft[] }> = [];
      // A key may repeat within one batch too: its later specs get the job the first one made.
      const byKey = new Map<string, JobRow>();
      for (const spec of jobs) {
        const key = spec.idempotency_key;
        if (key != null) {
          const existing = byKey.get(key) ?? (await writer.tx.first(this.queries.jobByIdempotencyKey(key)));
          if (existing) {
            if (keysWithinParent && existing.parent_id !== spec.parent_id) throw new ForeignIdempotencyKeyError(key);
            outcomes.push({ job: existing, created: false });
            continue;
          }
        }
        const made = machine.create(spec, { now });
        if (key != null) byKey.set(key, made.job);
        created.push(made);
        outcomes.push({ job: made.job, created: true });
      }
      await writer.insert(created);
      const handedOff: JobRow[][] = [];
      for (const claimant of handOffTo) handedOff.push(await this.claimIn(writer, { ...claimant, now }));
      // The producer sees its job as it stands at commit: already running if it was handed off.
      const leased = new Map(handedOff.flat().map((job) => [job.id, job]));
      return { outcomes: outcomes.map((outcome) => ({ ...outcome, job: leased.get(outcome.job.id) ?? outcome.job })), handedOff };
    });
  }

  claimJobs(params: Claimant & { now: number }): Promise<JobRow[]> {
    return this.writing(params.now, (writer) => this.claimIn(writer, params));
  }

  private async claimIn(writer: TransitionWriter, params: Claimant & { now: number }): Promise<JobRow[]> {
    // What this operation changed so far must be in the table before the claim reads it.
    await writer.writeStaged();
    const candidates = await this.runnableCandidates(writer.tx, params);
    const leased = candidates.map((job) => writer.stage(job, machine.lease(job, { workerId: params.workerId, now: params.now })));
    // Written now, so that a claim for the next poller of a hand-off does not read them as runnable.
    await writer.writeStaged();
    return leased;
  }

  releaseJobs({ jobs, now }: { jobs: Array<{ id: string; version: number }>; now: number }): Promise<JobRow[]> {
    return this.writing(now, async (writer) => {
      const released: JobRow[] = [];
      for (const { id, version } of jobs) {
        const job = await this.load(writer.tx, id);
        // Anything that moved the job since (a cancel, say) wins over the release.
        if (job.version !== version || job.state !== 'running') continue;
        released.push(await writer.apply(job, machine.releaseLease(job, { now })));
      }
      return released;
    });
  }

  heartbeatJobs({ workerId, heartbeats, now }: { workerId: string; heartbeats: JobHeartbeat[]; now: number }): Promise<Settled[]> {
    return this.writing(now, async (writer) => {
      const jobs = await this.jobsByIds(writer.tx, heartbeats.map((beat) => beat.id));
      const settled = heartbeats.map(({ id, version, progress }): Settled => {
        const job = jobs.get(id);
        if (!job) return { refused: new JobNotFoundError(id) };
        const held = this.heldLease(writer, job, { workerId, version });
        return held.refused ? held : { job: writer.stage(job, machine.heartbeat(job, { progress, now })) };
      });
      await writer.writeStaged();
      return settled;
    });
  }

  reportJobs({ workerId, reports, lease, now }: { workerId: string; reports: JobReport[]; lease: Omit<Claimant, 'workerId'> | null; now: number }): Promise<ReportsResult> {
    return this.writing(now, async (writer) => {
      const jobs = await this.jobsByIds(writer.tx, reports.map((report) => report.id));
      const settled: Settled[] = [];
      for (const report of reports) {
        const outcome = await this.reportIn(writer, workerId, report, jobs.get(report.id));
        // A job reported twice in one batch: the second report sees the first one's result.
        if ('job' in outcome) jobs.set(report.id, outcome.job);
        else if (outcome.expired) jobs.set(report.id, outcome.expired);
        settled.push(outcome);
      }
      const leased = lease ? await this.claimIn(writer, { ...lease, workerId, now }) : [];
      return { settled, leased };
    });
  }

  private async reportIn(writer: TransitionWriter, workerId: string, { id, version, outcome }: JobReport, job: JobRow | undefined): Promise<Settled> {
    if (!job) return { refused: new JobNotFoundError(id) };
    const held = this.heldLease(writer, job, { workerId, version });
    if (held.refused) {
      // Another worker's lease is not this worker's business: refused, and nothing is recorded.
      if (held.refused instanceof LeaseOwnerError) return held;
      if (!held.expired && (await this.isRepeatedReport(writer, job, { version, workerId, outcome }))) return { job, repeated: true };
      // The refused work is kept in the history, so no result is silently thrown away.
      const superseded = { ...supersededDetails(outcome), reported_version: version, reported_by: workerId };
      writer.record(held.expired ?? job, [{ type: 'report_superseded', details: superseded }], { version, worker_id: workerId });
      return held;
    }
    const transition =
      outcome.status === 'completed'
        ? machine.complete(job, { result: outcome.result, now: writer.now })
        : machine.fail(job, { error: outcome.error, now: writer.now, random: this.random, details: { report: 'failed' } });
    // Written with the batch's other reports, before the batch leases anything.
    return { job: writer.stage(job, transition) };
  }

  cancelJob({ id, now }: { id: string; now: number }): Promise<{ job: JobRow; immediate: boolean }> {
    return this.writing(now, async (writer) => {
      const job = await this.load(writer.tx, id);
      const transition = machine.cancel(job, { now });
      if (!transition.events.length) return { job, immediate: transition.immediate };
      return { job: await writer.apply(job, transition), immediate: transition.immediate };
    });
  }

  retryJob({ id, maxAttempts, now }: { id: string; maxAttempts: number | undefined; now: number }): Promise<JobRow> {
    return this.writing(now, async (writer) => {
      const job = await this.load(writer.tx, id);
      return writer.apply(job, machine.retry(job, { maxAttempts, now }));
    });
  }

  expireLeases({ now, limit }: { now: number; limit: number }): Promise<JobRow[]> {
    return this.writing(now, async (writer) => {
      const expired = await writer.tx.all(this.queries.expiredLeases({ now, limit }));
      return expired.map((job) => writer.stage(job, machine.expireLease(job, { now, random: this.random })));
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

  recordWorkerHeard(params: { workerId: string; now: number }): Promise<void> {
    return this.transactor.write(async (tx) => {
      await tx.run(this.queries.workerHeard(params));
    });
  }

  deleteFinishedJobs({ status, before, limit }: { status: 'completed' | 'failed' | 'cancelled'; before: number; limit: number }): Promise<number> {
    return this.writing(before, async (writer) => {
      const doomed = await writer.tx.all(this.queries.finishedJobsBefore({ status, before, limit }));
      if (!doomed.length) return 0;
      const ids = doomed.map((job) => job.id);
      await writer.tx.run(this.queries.deleteEventsOfJobs(ids));
      await writer.tx.run(this.queries.deleteJobs(ids));
      writer.deleted(doomed, status);
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

  /** The jobs with these ids (each read once, however often it is named), locked where the dialect locks claimed rows. */
  private async jobsByIds(tx: QueryRunner, ids: string[]): Promise<Map<string, JobRow>> {
    const jobs = new Map<string, JobRow>();
    for (const query of this.queries.jobsByIdsForUpdate([...new Set(ids)])) for (const job of await tx.all(query)) jobs.set(job.id, job);
    return jobs;
  }

  private async load(tx: QueryRunner, id: string): Promise<JobRow> {
    const job = await tx.first(this.queries.jobByIdForUpdate(id));
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  /** Runs `work` in one write transaction, with a writer that flushes events and counts last. */
  private writing<T>(now: number, work: (writer: TransitionWriter) => Promise<T>): Promise<T> {
    return this.transactor.write(async (tx) => {
      const writer = new TransitionWriter(tx, this.queries, now);
      const result = await work(writer);
      await writer.finish();
      return result;
    });
  }

  /**
   * Whether this worker's heartbeat or report holds the job's lease (`refused` is null). When it
   * did hold it but the lease has passed, the attempt ends here, ahead of the sweeper, and
   * `expired` is the job as that left it.
   */
  private heldLease(writer: TransitionWriter, job: JobRow, claim: { workerId: string; version: number }): { refused: null } | Exclude<Settled, { job: JobRow }> {
    const refused = machine.leaseRefusal(job, claim);
    if (refused) return { refused };
    const lapse = machine.lapse(job, { now: writer.now, random: this.random });
    if (!lapse) return { refused: null };
    const expired = writer.stage(job, lapse);
    return { refused: machine.lapsedLeaseRefusal(expired, job.lease_expires_at!), expired };
  }

  /**
   * Whether this very report (same outcome, same result or error) was applied before, earlier in
   * this operation or in an earlier one: a retried request is answered as it was the first time,
   * while a different report for the same lease is refused like any other stale one.
   */
  private async isRepeatedReport(writer: TransitionWriter, job: JobRow, { version, workerId, outcome }: { version: number; workerId: string; outcome: ReportOutcome }): Promise<boolean> {
    const applied = { job_id: job.id, version: version + 1, worker_id: workerId };
    const events = [...writer.pendingEvents(applied), ...(await writer.tx.all(this.queries.reportEvent(applied)))];
    return events.some((event) => {
      if (!reportEventTypes.includes(event.type)) return false;
      const details = JSON.parse(event.details) as { report?: string; error?: unknown };
      if (details.report !== outcome.status) return false;
      if (outcome.status === 'failed') return isDeepStrictEqual(details.error, outcome.error);
      // A completion's result is the job's own; once the job has moved on (an operator's retry)
      // only the outcome is left to compare.
      return job.version !== version + 1 || sameJson(job.result, outcome.result);
    });
  }
}

function newestFirst(a: JobRow, b: JobRow): number {
  return b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function leaseOrder(a: JobRow, b: JobRow): number {
  return b.priority - a.priority || a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether two stored results say the same; no result and an explicit `null` both read as null. */
function sameJson(a: string | null, b: string | null): boolean {
  const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
  return a === b || isDeepStrictEqual(parse(a), parse(b));
}

function supersededDetails(outcome: ReportOutcome): Record<string, unknown> {
  return outcome.status === 'completed'
    ? { status: 'completed', result: outcome.result === null ? null : (JSON.parse(outcome.result) as unknown) }
    : { status: 'failed', error: outcome.error };
}
