// Everything `GET /metrics` exposes, in one prom-client registry per scheduler. Counters and
// histograms are fed by the job service's transitions, the HTTP middleware and the store's
// transactions; the job-count gauges read the kept counts (see 005-count-stripes) only when scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EndCause, JobServiceObserver } from '../job-service.js';
import type { StatsSnapshot } from '../store/job-store.js';
import type { JobRow } from '../store/schema.js';

export interface MetricsSources {
  /** The job counts per queue, type and status. */
  readStats(): Promise<StatsSnapshot>;
  /** Long polls parked right now. */
  longPollsWaiting(): number;
  now(): number;
}

/** Scrapes closer together than this share one read of the job counts. */
const statsCacheMs = 1000;

const jobLabels = ['queue', 'type'] as const;
// Queue waits range from a hand-off (a millisecond) to a backlog of hours.
const waitBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14_400];
const runBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14_400];
const requestBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const transactionBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class SchedulerMetrics implements JobServiceObserver {
  readonly registry = new Registry();
  private sources: MetricsSources | null = null;
  private cachedStats: { at: number; stats: Promise<StatsSnapshot> } | null = null;

  private readonly enqueuedTotal = this.counter('foreman_jobs_enqueued_total', 'Jobs created.');
  private readonly leasedTotal = this.counter('foreman_jobs_leased_total', 'Attempts started: jobs leased to a worker.');
  private readonly completedTotal = this.counter('foreman_jobs_completed_total', 'Jobs that completed.');
  private readonly failedTotal = this.counter('foreman_jobs_failed_total', 'Jobs that failed for good (no attempt left, or not retryable).');
  private readonly retriedTotal = this.counter('foreman_jobs_retried_total', 'Failed or expired attempts that sent the job back to its queue, and retries asked for through the API.');
  private readonly leaseExpiredTotal = this.counter('foreman_jobs_lease_expired_total', 'Attempts whose lease ran out before the worker reported.');
  private readonly cancelledTotal = this.counter('foreman_jobs_cancelled_total', 'Jobs that ended cancelled.');

  private readonly queueWait = new Histogram({
    name: 'foreman_job_queue_wait_seconds',
    help: 'From when a job became due (enqueued, or its scheduled or retry time came) to its lease.',
    labelNames: jobLabels,
    buckets: waitBuckets,
    registers: [this.registry],
  });
  private readonly runTime = new Histogram({
    name: 'foreman_job_run_seconds',
    help: 'From a lease to the worker reporting its outcome, by the status the job went to.',
    labelNames: [...jobLabels, 'outcome'] as const,
    buckets: runBuckets,
    registers: [this.registry],
  });
  private readonly requestDuration = new Histogram({
    name: 'foreman_http_request_duration_seconds',
    help: 'HTTP requests by method, matched route pattern and status; long polls included.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: requestBuckets,
    registers: [this.registry],
  });
  private readonly transactionDuration = new Histogram({
    name: 'foreman_db_transaction_duration_seconds',
    help: 'Write transactions, from being asked for to their commit (on SQLite this includes the wait to join a group commit).',
    labelNames: ['outcome'] as const,
    buckets: transactionBuckets,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    new Gauge({
      name: 'foreman_jobs',
      help: 'Jobs by queue, type and status, as kept by every transition.',
      labelNames: [...jobLabels, 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const stats = await metrics.stats();
        for (const row of stats?.counts ?? []) this.set({ queue: row.queue, type: row.type, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: 'foreman_queue_oldest_runnable_age_seconds',
      help: 'Age of the oldest runnable job of each queue that has one.',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const stats = await metrics.stats();
        const now = metrics.sources?.now() ?? Date.now();
        for (const { queue, run_at } of stats?.oldestRunnable ?? []) this.set({ queue }, Math.max(0, now - run_at) / 1000);
      },
    });
    new Gauge({
      name: 'foreman_long_polls_waiting',
      help: 'Lease requests held open waiting for a job.',
      registers: [this.registry],
      collect() {
        this.set(metrics.sources?.longPollsWaiting() ?? 0);
      },
    });
  }

  /** Connects the gauges to the running scheduler; until then they read as empty. */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** The exposition text and its content type. */
  async expose(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  enqueued(jobs: JobRow[]): void {
    for (const job of jobs) this.enqueuedTotal.inc({ queue: job.queue, type: job.type });
  }

  leased(jobs: JobRow[]): void {
    for (const job of jobs) {
      const labels = { queue: job.queue, type: job.type };
      this.leasedTotal.inc(labels);
      if (job.started_at !== null) this.queueWait.observe(labels, Math.max(0, job.started_at - job.run_at) / 1000);
    }
  }

  ended(jobs: JobRow[], cause: EndCause): void {
    for (const job of jobs) {
      const labels = { queue: job.queue, type: job.type };
      if (cause === 'lease_expired') this.leaseExpiredTotal.inc(labels);
      if (cause === 'report' && job.started_at !== null) {
        this.runTime.observe({ ...labels, outcome: outcomeOf(job) }, Math.max(0, job.updated_at - job.started_at) / 1000);
      }
      switch (job.state) {
        case 'completed':
          this.completedTotal.inc(labels);
          break;
        case 'failed':
          this.failedTotal.inc(labels);
          break;
        case 'cancelled':
          this.cancelledTotal.inc(labels);
          break;
        case 'available':
        case 'scheduled':
          this.retriedTotal.inc(labels);
          break;
        case 'running':
          break;
      }
    }
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  observeTransaction(outcome: 'commit' | 'error', seconds: number): void {
    this.transactionDuration.observe({ outcome }, seconds);
  }

  private counter(name: string, help: string): Counter<(typeof jobLabels)[number]> {
    return new Counter({ name, help, labelNames: jobLabels, registers: [this.registry] });
  }

  /** The job counts, read at most once a second however often Prometheus scrapes; null before the store opens. */
  private stats(): Promise<StatsSnapshot | null> {
    if (!this.sources) return Promise.resolve(null);
    const now = Date.now();
    if (!this.cachedStats || now - this.cachedStats.at >= statsCacheMs) {
      const stats = this.sources.readStats();
      // A failed read must not be served from the cache for the next second.
      stats.catch(() => (this.cachedStats = null));
      this.cachedStats = { at: now, stats };
    }
    return this.cachedStats.stats;
  }
}

function outcomeOf(job: JobRow): string {
  return job.state === 'available' || job.state === 'scheduled' ? 'retried' : job.state;
}
