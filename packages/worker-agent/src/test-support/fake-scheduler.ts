// A test double of the scheduler's HTTP surface (/next-job, heartbeat, complete, POST /jobs): just enough to watch an agent from outside.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CompleteInput, HeartbeatInput, Job, JobInput, LeaseInput } from '@foreman/client';
import { pino, type Logger } from 'pino';

interface Waiter {
  body: LeaseInput;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

export interface FakeScheduler {
  url: string;
  /** Every /next-job request, with the time it arrived. */
  leases: Array<{ at: number; body: LeaseInput }>;
  heartbeats: Array<{ at: number; id: string; body: HeartbeatInput }>;
  /** Every /complete request and the status it was answered with. */
  reports: Array<{ at: number; id: string; body: CompleteInput; answered: number }>;
  /** Bodies of POST /jobs. */
  created: JobInput[];
  /** Requests of any kind, including those answered 503 while down. */
  hits: number;
  /** Jobs leased and not yet reported, at most, over the fake's life. */
  maxRunning: number;
  running(): number;
  enqueue(job: Partial<Job> & { type: string }): Job;
  /** Next heartbeats of this job answer cancel_requested: true. */
  cancel(id: string): void;
  /** Heartbeats of this job answer 403 from now on: its lease belongs to another worker. */
  leaseToAnother(id: string): void;
  /** Heartbeats and reports of this job answer 409 from now on. */
  loseLease(id: string): void;
  /** The next n reports answer 503. */
  failReports(n: number): void;
  /** From now on polls (the waiting one too) and heartbeats say `drain: true`. */
  drain(): void;
  /** While down, every request answers 503. */
  down: boolean;
  accepted(id: string): CompleteInput | undefined;
  close(): Promise<void>;
}

export async function startFakeScheduler(): Promise<FakeScheduler> {
  const pending: Job[] = [];
  const running = new Map<string, Job>();
  const lost = new Set<string>();
  const leasedToAnother = new Set<string>();
  const waiters = new Set<Waiter>();
  let reportFailures = 0;
  let draining = false;
  let sequence = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const type = status < 400 ? 'application/json' : 'application/problem+json';
    res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, extra: object = {}) =>
    send(res, status, { type: 'about:blank', title: `HTTP ${status}`, status, ...extra });

  const lease = (body: LeaseInput): Job[] => {
    const leased: Job[] = [];
    for (const job of [...pending]) {
      if (leased.length >= (body.max ?? 1)) break;
      if (body.types && !body.types.includes(job.type)) continue;
      if (body.queues && !body.queues.includes(job.queue)) continue;
      pending.splice(pending.indexOf(job), 1);
      Object.assign(job, { status: 'running', attempt: job.attempt + 1, version: job.version + 1, worker_id: body.worker_id });
      running.set(job.id, job);
      leased.push(job);
    }
    fake.maxRunning = Math.max(fake.maxRunning, running.size);
    return leased;
  };

  const serveWaiters = () => {
    for (const waiter of [...waiters]) {
      const jobs = lease(waiter.body);
      if (jobs.length === 0) continue;
      clearTimeout(waiter.timer);
      waiters.delete(waiter);
      send(waiter.res, 200, { jobs });
    }
  };

  const route = (req: IncomingMessage, res: ServerResponse, body: any) => {
    const at = Date.now();
    fake.hits++;
    if (fake.down) return problem(res, 503);
    const [, first, id, action] = (req.url ?? '').split('/');
    if (first === 'next-job') {
      fake.leases.push({ at, body });
      if (draining) return send(res, 200, { jobs: [], drain: true });
      const jobs = lease(body);
      if (jobs.length > 0 || !body.wait_ms) return send(res, 200, { jobs, drain: false });
      const waiter: Waiter = { body, res, timer: setTimeout(() => finish(), body.wait_ms) };
      const finish = () => {
        if (waiters.delete(waiter)) send(res, 200, { jobs: [], drain: draining });
      };
      waiters.add(waiter);
      res.on('close', () => {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
      });
      return;
    }
    if (first === 'jobs' && id === undefined) {
      fake.created.push(body);
      return send(res, 201, fake.enqueue(body));
    }
    if (first === 'jobs' && id && action === 'heartbeat') {
      fake.heartbeats.push({ at, id, body });
      const job = running.get(id);
      if (leasedToAnother.has(id)) return problem(res, 403);
      if (!job || lost.has(id)) return problem(res, 409, { job_status: job?.status ?? 'pending', job_version: 1 });
      return send(res, 200, { lease_expires_at: new Date(at + job.lease_ms).toISOString(), cancel_requested: job.cancel_requested, drain: draining });
    }
    if (first === 'jobs' && id && action === 'complete') {
      const answer = (status: number) => fake.reports.push({ at, id, body, answered: status });
      const job = running.get(id);
      if (!job || lost.has(id) || job.version !== body.version) {
        answer(409);
        return problem(res, 409, { job_status: job?.status ?? 'pending', job_version: job?.version ?? 1 });
      }
      if (reportFailures > 0) {
        reportFailures--;
        answer(503);
        return problem(res, 503);
      }
      answer(200);
      running.delete(id);
      Object.assign(job, { status: body.status, result: body.result ?? null });
      return send(res, 200, job);
    }
    problem(res, 404);
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => route(req, res, raw ? JSON.parse(raw) : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const fake: FakeScheduler = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    leases: [],
    heartbeats: [],
    reports: [],
    created: [],
    hits: 0,
    maxRunning: 0,
    down: false,
    running: () => running.size,
    enqueue(input) {
      const now = new Date().toISOString();
      const job: Job = {
        id: `job-${++sequence}`,
        queue: 'default',
        payload: {},
        priority: 0,
        status: 'pending',
        attempt: 0,
        max_attempts: 3,
        backoff: { strategy: 'exponential', base_ms: 1000, max_ms: 3_600_000, jitter: true },
        timeout_ms: 300_000,
        lease_ms: 30_000,
        run_at: now,
        version: 1,
        idempotency_key: null,
        parent_id: null,
        worker_id: null,
        lease_expires_at: null,
        progress: null,
        result: null,
        error: null,
        cancel_requested: false,
        created_at: now,
        updated_at: now,
        started_at: null,
        finished_at: null,
        ...input,
      };
      pending.push(job);
      serveWaiters();
      return job;
    },
    drain() {
      draining = true;
      for (const waiter of [...waiters]) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        send(waiter.res, 200, { jobs: [], drain: true });
      }
    },
    cancel(id) {
      const job = running.get(id);
      if (job) job.cancel_requested = true;
    },
    leaseToAnother(id) {
      leasedToAnother.add(id);
    },
    loseLease(id) {
      lost.add(id);
    },
    failReports(n) {
      reportFailures = n;
    },
    accepted: (id) => fake.reports.find((report) => report.id === id && report.answered === 200)?.body,
    async close() {
      for (const waiter of waiters) clearTimeout(waiter.timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return fake;
}

/** Polls `predicate` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A pino logger whose records land in `records`, parsed. */
export function memoryLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records };
}
