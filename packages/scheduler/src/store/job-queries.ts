// The SQL both databases share, as kysely builders. Only the claim and expiry reads differ:
// PostgreSQL locks the rows it picks (`FOR UPDATE SKIP LOCKED`), SQLite's single writer need not.
import { sql, type Kysely } from 'kysely';
import type { JobStatus } from '../jobs/job-status.js';
import type { EventDraft, JobChanges } from '../jobs/state-machine.js';
import type { JobFilter, WorkerSeen } from './job-store.js';
import { PreparedQuery, PreparedShapes } from './prepared-query.js';
import type { Database, JobRow, JobState, NewJobEventRow, NewJobRow } from './schema.js';
import type { SqlDialect } from './sql-dialect.js';

/** Rows per multi-row insert: enough to amortise the statement, few enough shapes to prepare. */
const maxRowsPerInsert = 100;

const jobColumns = [
  'id', 'type', 'queue', 'payload', 'priority', 'state', 'attempt', 'max_attempts', 'backoff_strategy', 'backoff_base_ms',
  'backoff_max_ms', 'backoff_jitter', 'timeout_ms', 'lease_ms', 'run_at', 'version', 'idempotency_key', 'parent_id', 'worker_id',
  'lease_expires_at', 'progress', 'result', 'error', 'cancel_requested', 'created_at', 'updated_at', 'started_at', 'finished_at',
] as const satisfies ReadonlyArray<keyof JobRow>;

const eventColumns = ['job_id', 'type', 'at', 'attempt', 'version', 'worker_id', 'details'] as const satisfies ReadonlyArray<keyof NewJobEventRow>;

/** How each column of `jobs` is declared (001-initial), for the casts a list of `VALUES` needs on PostgreSQL. */
const jobColumnKinds: Record<keyof JobRow, 'text' | 'integer' | 'millis'> = {
  id: 'text', type: 'text', queue: 'text', payload: 'text', priority: 'integer', state: 'text', attempt: 'integer', max_attempts: 'integer',
  backoff_strategy: 'text', backoff_base_ms: 'millis', backoff_max_ms: 'millis', backoff_jitter: 'integer', timeout_ms: 'millis',
  lease_ms: 'millis', run_at: 'millis', version: 'integer', idempotency_key: 'text', parent_id: 'text', worker_id: 'text',
  lease_expires_at: 'millis', progress: 'text', result: 'text', error: 'text', cancel_requested: 'integer', created_at: 'millis',
  updated_at: 'millis', started_at: 'millis', finished_at: 'millis',
};

/** The columns a transition sets, in a stable order: transitions with the same ones share a statement. */
export function changedColumns(changes: JobChanges): Array<keyof JobChanges> {
  return (Object.keys(changes) as Array<keyof JobChanges>).filter((column) => changes[column] !== undefined);
}

export interface CountAdjustment {
  queue: string;
  type: string;
  status: JobStatus;
  stripe: number;
  delta: number;
}

/** A transition to write, guarded by the version it was computed from. */
export interface VersionedUpdate {
  id: string;
  expectedVersion: number;
  changes: JobChanges;
}

/** Splits rows into the chunks one multi-row insert takes. */
function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += maxRowsPerInsert) out.push(rows.slice(start, start + maxRowsPerInsert));
  return out;
}

/** The lengths a list is padded to where repeating an item changes nothing (an id list, a set of updates). */
const paddedLengths = [1, 2, 4, 8, 16, 32, 64, maxRowsPerInsert];

/**
 * Pads a chunk with its last item to the next of `paddedLengths`, so that eight SQL texts serve
 * every batch size: on PostgreSQL each distinct text is a statement prepared on every connection,
 * and only so many get a name (postgres/statement-names.ts).
 */
function padded<T>(chunk: T[]): T[] {
  const length = paddedLengths.find((candidate) => candidate >= chunk.length)!;
  return chunk.length === length ? chunk : [...chunk, ...Array<T>(length - chunk.length).fill(chunk.at(-1)!)];
}

/** Splits rows that cannot be repeated (inserts) into runs of `paddedLengths`, longest first, for the same reason. */
function sizedRuns<T>(rows: T[]): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < rows.length; ) {
    const length = paddedLengths.findLast((candidate) => candidate <= rows.length - start)!;
    runs.push(rows.slice(start, (start += length)));
  }
  return runs;
}

/** A row of slots, one per column, reading the `index`-th of the bound rows. */
function rowSlots<Row, C extends keyof Row>(slot: <T>(read: (rows: Row[]) => T) => T, columns: readonly C[], index: number): Pick<Row, C> {
  return Object.fromEntries(columns.map((column) => [column, slot((rows) => rows[index]![column])])) as Pick<Row, C>;
}

/**
 * States as SQL literals rather than bound parameters: both planners use a partial index
 * (`WHERE state = 'available'`) only when the query states the same literal.
 */
const state = {
  scheduled: sql.lit<JobState>('scheduled'),
  available: sql.lit<JobState>('available'),
  running: sql.lit<JobState>('running'),
} as const;

/** The events an applied report records. */
export const reportEventTypes: string[] = ['completed', 'failed', 'retry_scheduled', 'cancelled'];

export class JobQueries {
  private readonly byId: PreparedQuery<{ id: string }, JobRow>;
  private readonly byIdForUpdate: PreparedQuery<{ id: string }, JobRow>;
  private readonly countAdjustment: PreparedQuery<CountAdjustment, unknown>;
  private readonly updatesByColumns = new PreparedShapes<VersionedUpdate, unknown>(256);
  private readonly setUpdates = new PreparedShapes<VersionedUpdate[], { id: string }>(512);
  private readonly jobInserts = new PreparedShapes<NewJobRow[], unknown>(maxRowsPerInsert);
  private readonly eventInserts = new PreparedShapes<NewJobEventRow[], unknown>(maxRowsPerInsert);
  private readonly byIdsForUpdate = new PreparedShapes<string[], JobRow>(maxRowsPerInsert);
  private readonly runnableShapes = new PreparedShapes<{ type?: string; queue?: string; max: number }, JobRow>(3);

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
  ) {
    this.byId = new PreparedQuery((slot) => db.selectFrom('jobs').selectAll().where('id', '=', slot((p) => p.id)));
    this.byIdForUpdate = new PreparedQuery((slot) => {
      const query = db.selectFrom('jobs').selectAll().where('id', '=', slot((p) => p.id));
      return dialect.lockClaimedRows ? query.forUpdate() : query;
    });
    this.countAdjustment = new PreparedQuery((slot) => {
      const delta = slot((p) => p.delta);
      return db
        .insertInto('job_count_stripes')
        .values({ queue: slot((p) => p.queue), type: slot((p) => p.type), status: slot((p) => p.status), stripe: slot((p) => p.stripe), count: delta })
        .onConflict((oc) =>
          oc.columns(['queue', 'type', 'status', 'stripe']).doUpdateSet({ count: sql<number>`job_count_stripes.count + excluded.count` }),
        );
    });
  }

  ping() {
    return this.db.selectNoFrom(sql<number>`1`.as('one'));
  }

  jobById(id: string) {
    return this.byId.bind({ id });
  }

  jobByIdForUpdate(id: string) {
    return this.byIdForUpdate.bind({ id });
  }

  /**
   * The jobs with these ids, in id order (replicas locking several rows take them in the same
   * order): one read per hundred ids.
   */
  jobsByIdsForUpdate(ids: string[]) {
    return chunks([...ids].sort()).map((chunk) => {
      const bound = padded(chunk);
      return this.byIdsForUpdate
        .get(String(bound.length), (slot) => {
          const query = this.db
            .selectFrom('jobs')
            .selectAll()
            .where('id', 'in', bound.map((_, index) => slot((p) => p[index]!)))
            .orderBy('id');
          return this.dialect.lockClaimedRows ? query.forUpdate() : query;
        })
        .bind(bound);
    });
  }

  jobByIdempotencyKey(key: string) {
    return this.db.selectFrom('jobs').selectAll().where('idempotency_key', '=', key);
  }

  /** One statement per run of rows (`sizedRuns`). */
  insertJobs(rows: NewJobRow[]) {
    return sizedRuns(rows).map((chunk) =>
      this.jobInserts
        .get(String(chunk.length), (slot) => this.db.insertInto('jobs').values(chunk.map((_, index) => rowSlots(slot, jobColumns, index))))
        .bind(chunk),
    );
  }

  /**
   * Applies transitions that set the same columns, one statement per chunk of rows, each only if
   * nobody else moved its job since it was read; each statement returns the ids it changed.
   */
  updateJobsAtVersions(rows: VersionedUpdate[]) {
    const columns = changedColumns(rows[0]!.changes);
    return chunks(rows).map(padded).map((chunk) =>
      this.setUpdates
        .get(`${columns.join()}:${chunk.length}`, (slot) => {
          const cast = (value: unknown, column: keyof JobRow) => sql`CAST(${value} AS ${sql.raw(this.sqlType(column))})`;
          const tuples = chunk.map((_, index) => {
            const values = [cast(slot((p) => p[index]!.id), 'id'), cast(slot((p) => p[index]!.expectedVersion), 'version')];
            for (const column of columns) values.push(cast(slot((p) => p[index]!.changes[column]), column));
            return sql`(${sql.join(values)})`;
          });
          const names = sql.join(['id', 'expected_version', ...columns].map((name) => sql.ref(name)));
          const assignments = sql.join(columns.map((column) => sql`${sql.ref(column)} = ${sql.ref(`v.${column}`)}`));
          const statement = sql<{ id: string }>`WITH v (${names}) AS (VALUES ${sql.join(tuples)}) UPDATE jobs SET ${assignments} FROM v WHERE jobs.id = v.id AND jobs.version = v.expected_version RETURNING jobs.id`;
          return { compile: () => statement.compile(this.db) };
        })
        .bind(chunk),
    );
  }

  private sqlType(column: keyof JobRow): string {
    const kind = jobColumnKinds[column];
    return kind === 'millis' ? this.dialect.millisType : kind;
  }

  /** Applies a transition only if nobody else moved the job since it was read. */
  updateJobAtVersion(id: string, expectedVersion: number, changes: JobChanges) {
    const columns = changedColumns(changes);
    return this.updatesByColumns
      .get(columns.join(), (slot) =>
        this.db
          .updateTable('jobs')
          .set(Object.fromEntries(columns.map((column) => [column, slot((p) => p.changes[column])])))
          .where('id', '=', slot((p) => p.id))
          .where('version', '=', slot((p) => p.expectedVersion)),
      )
      .bind({ id, expectedVersion, changes });
  }

  /** One statement per run of rows (`sizedRuns`). */
  insertEvents(rows: NewJobEventRow[]) {
    return sizedRuns(rows).map((chunk) =>
      this.eventInserts
        .get(String(chunk.length), (slot) => this.db.insertInto('job_events').values(chunk.map((_, index) => rowSlots(slot, eventColumns, index))))
        .bind(chunk),
    );
  }

  /** Runnable jobs in lease order, of one type or queue (or any) and among the given others. */
  runnableJobs({ type, queue, types, queues, max }: { type?: string; queue?: string; types: string[] | null; queues: string[] | null; max: number }) {
    // Agents ask for the same few shapes over and over; those are compiled once.
    if (!types && !queues && (type === undefined || queue === undefined)) {
      const shape = type !== undefined ? 'type' : queue !== undefined ? 'queue' : 'any';
      return this.runnableShapes.get(shape, (slot) => this.runnableQuery({
          type: type === undefined ? undefined : slot((p) => p.type!),
          queue: queue === undefined ? undefined : slot((p) => p.queue!),
          types,
          queues,
          max: slot((p) => p.max),
        })).bind({ type, queue, max });
    }
    return this.runnableQuery({ type, queue, types, queues, max });
  }

  private runnableQuery({ type, queue, types, queues, max }: { type: string | undefined; queue: string | undefined; types: string[] | null; queues: string[] | null; max: number }) {
    let query = this.db.selectFrom('jobs').selectAll().where('state', '=', state.available);
    if (type !== undefined) query = query.where('type', '=', type);
    if (queue !== undefined) query = query.where('queue', '=', queue);
    if (queues) query = query.where('queue', 'in', queues);
    if (types) query = query.where('type', 'in', types);
    query = query.orderBy('priority', 'desc').orderBy('run_at').orderBy('id').limit(max);
    return this.dialect.lockClaimedRows ? query.forUpdate().skipLocked() : query;
  }

  /** Kinds of runnable jobs, first in lease order, for the re-check that finds missed wake-ups. */
  runnableSample(limit: number) {
    return this.db.selectFrom('jobs').select(['queue', 'type']).where('state', '=', state.available).orderBy('priority', 'desc').orderBy('run_at').orderBy('id').limit(limit);
  }

  expiredLeases({ now, limit }: { now: number; limit: number }) {
    const query = this.db
      .selectFrom('jobs')
      .selectAll()
      .where('state', '=', state.running)
      .where('lease_expires_at', '<=', now)
      .orderBy('lease_expires_at')
      .limit(limit);
    return this.dialect.lockClaimedRows ? query.forUpdate().skipLocked() : query;
  }

  promoteDue({ now, limit }: { now: number; limit: number }) {
    const due = this.db
      .selectFrom('jobs')
      .select('id')
      .where('state', '=', state.scheduled)
      .where('run_at', '<=', now)
      .orderBy('run_at')
      .limit(limit);
    return this.db
      .updateTable('jobs')
      .set({ state: 'available' })
      // Replicas promote the same due jobs at once. One waiting on another's row would hold a
      // lock on it that a woken poller's claim (SKIP LOCKED) skips, sleeping until its re-check.
      .where('id', 'in', this.dialect.lockClaimedRows ? due.forUpdate().skipLocked() : due)
      .where('state', '=', state.scheduled)
      .returning(['queue', 'type']);
  }

  nextDueAt() {
    return this.db.selectFrom('jobs').select('run_at').where('state', '=', state.scheduled).orderBy('run_at').limit(1);
  }

  /** The event a report produced, to recognise the same report sent again. */
  reportEvent({ job_id, version, worker_id }: { job_id: string; version: number; worker_id: string }) {
    return this.db
      .selectFrom('job_events')
      .select(['type', 'details'])
      .where('job_id', '=', job_id)
      .where('version', '=', version)
      .where('worker_id', '=', worker_id)
      .where('type', 'in', reportEventTypes);
  }

  eventsOfJob(jobId: string) {
    return this.db.selectFrom('job_events').selectAll().where('job_id', '=', jobId).orderBy('id');
  }

  listJobs(filter: JobFilter) {
    let query = this.db.selectFrom('jobs').selectAll();
    if (filter.statuses?.length) query = query.where(sql.ref('status'), 'in', filter.statuses);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.queue !== undefined) query = query.where('queue', '=', filter.queue);
    if (filter.parentId !== undefined) query = query.where('parent_id', '=', filter.parentId);
    if (filter.createdAfter !== undefined) query = query.where('created_at', '>=', filter.createdAfter);
    if (filter.createdBefore !== undefined) query = query.where('created_at', '<', filter.createdBefore);
    const after = filter.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
      );
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1);
  }

  /** Marks a worker as asked to drain (keeping the first request's time), or clears it with null. */
  setWorkerDrain(workerId: string, requestedAt: number | null) {
    const value = requestedAt === null ? null : sql<number>`COALESCE(drain_requested_at, ${requestedAt})`;
    return this.db.updateTable('workers').set({ drain_requested_at: value }).where('worker_id', '=', workerId);
  }

  workerById(workerId: string) {
    return this.db.selectFrom('workers').selectAll().where('worker_id', '=', workerId);
  }

  drainingWorkers() {
    return this.db.selectFrom('workers').select('worker_id').where('drain_requested_at', 'is not', null);
  }

  /**
   * Jobs in a final status that finished before `before`, oldest first, none with a child still
   * pending or running. `created_at` bounds the read by index: a job finishes after it is created.
   */
  finishedJobsBefore({ status, before, limit }: { status: JobStatus; before: number; limit: number }) {
    const query = this.db
      .selectFrom('jobs')
      .select(['id', 'queue', 'type'])
      .where(sql.ref('status'), '=', status)
      .where('created_at', '<', before)
      .where('finished_at', '<', before)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('jobs as child').select('child.id').whereRef('child.parent_id', '=', 'jobs.id').where('child.state', 'in', [state.scheduled, state.available, state.running]))),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    // A retry could take a job out of its final status between this read and the delete.
    return this.dialect.lockClaimedRows ? query.forUpdate().skipLocked() : query;
  }

  deleteEventsOfJobs(ids: string[]) {
    return this.db.deleteFrom('job_events').where('job_id', 'in', ids);
  }

  deleteJobs(ids: string[]) {
    return this.db.deleteFrom('jobs').where('id', 'in', ids);
  }

  upsertWorker(seen: WorkerSeen) {
    const values = {
      worker_id: seen.workerId,
      first_seen: seen.now,
      last_seen: seen.now,
      types: seen.types && JSON.stringify(seen.types),
      queues: seen.queues && JSON.stringify(seen.queues),
      agent: seen.agent && JSON.stringify(seen.agent),
    };
    return this.db
      .insertInto('workers')
      .values(values)
      // What it asks for is what its latest poll says; a poll that leaves `agent` out keeps the last one known.
      .onConflict((oc) =>
        oc.column('worker_id').doUpdateSet({ last_seen: values.last_seen, types: values.types, queues: values.queues, agent: sql<string | null>`COALESCE(excluded.agent, workers.agent)` }),
      );
  }

  workerHeard({ workerId, now }: { workerId: string; now: number }) {
    return this.db.updateTable('workers').set({ last_seen: now }).where('worker_id', '=', workerId).where('last_seen', '<', now);
  }

  workersSeenSince(seenSince: number) {
    return this.db.selectFrom('workers').selectAll().where('last_seen', '>=', seenSince).orderBy('last_seen', 'desc').limit(1000);
  }

  runningJobsPerWorker() {
    return this.db
      .selectFrom('jobs')
      .select(['worker_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('state', '=', state.running)
      .groupBy('worker_id');
  }

  /** Adds `delta` to the number of jobs of this queue and type in this status, in one stripe. */
  adjustCount(params: CountAdjustment) {
    return this.countAdjustment.bind(params);
  }

  countsByQueueTypeStatus() {
    return this.db
      .selectFrom(this.countRows().as('counted'))
      .select(['queue', 'type', 'status', (eb) => eb.fn.sum<number>('count').as('count')])
      .groupBy(['queue', 'type', 'status'])
      .having((eb) => eb.fn.sum('count'), '>', 0);
  }

  queuesWithPendingJobs() {
    return this.db
      .selectFrom(this.countRows().as('counted'))
      .select('queue')
      .where('status', '=', 'pending')
      .groupBy('queue')
      .having((eb) => eb.fn.sum('count'), '>', 0);
  }

  /** Every count row: the stripes, and the counts kept before them (see 005-count-stripes). */
  private countRows() {
    return this.db
      .selectFrom('job_count_stripes')
      .select(['queue', 'type', 'status', 'count'])
      .unionAll(this.db.selectFrom('job_counts').select(['queue', 'type', 'status', 'count']));
  }

  oldestRunnableIn(queue: string) {
    return this.db.selectFrom('jobs').select('run_at').where('state', '=', state.available).where('queue', '=', queue).orderBy('run_at').limit(1);
  }
}

/** The event rows a transition records, stamped with the job's attempt, version and worker after it. */
export function eventRows(job: JobRow, events: EventDraft[], now: number): NewJobEventRow[] {
  return events.map((event) => ({
    job_id: job.id,
    type: event.type,
    at: now,
    attempt: job.attempt,
    version: job.version,
    worker_id: job.worker_id,
    details: JSON.stringify(event.details),
  }));
}
