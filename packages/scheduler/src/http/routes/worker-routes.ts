// What agents call: lease work (long poll), heartbeat, report; the last two one job or many at a time.
import { Hono } from 'hono';
import type { JobService } from '../../job-service.js';
import type { WorkerDrains } from '../../loops/worker-drains.js';
import type { Progress } from '../../jobs/state-machine.js';
import type { ReportOutcome } from '../../store/job-store.js';
import type { JobRow } from '../../store/schema.js';
import { assertMayActAs } from '../auth/principal.js';
import { readBody } from '../read-request.js';
import {
  completeInputSchema,
  heartbeatBatchInputSchema,
  heartbeatInputSchema,
  leaseInputSchema,
  reportBatchInputSchema,
  type ProgressInput,
  type ReportOutcomeInput,
} from '../schemas.js';
import { refusalProblem } from '../problem.js';
import { logAbout } from '../request-context.js';
import { jobView } from '../views.js';
import { jobIdParam } from './job-routes.js';

/** What a heartbeat answers about the job whose lease it extended. */
function leaseAnswer(job: JobRow): { lease_expires_at: string; cancel_requested: boolean } {
  return { lease_expires_at: new Date(Number(job.lease_expires_at)).toISOString(), cancel_requested: job.cancel_requested === 1 };
}

function progressOf(input: ProgressInput | undefined): Progress | undefined {
  return input && { current: input.current, total: input.total ?? null, message: input.message ?? null };
}

function reportOutcome(input: ReportOutcomeInput): ReportOutcome {
  if (input.status === 'completed') {
    return { status: 'completed', result: input.result === undefined ? null : JSON.stringify(input.result) };
  }
  const error = input.error ?? { message: 'The worker reported a failure without details.', retryable: true };
  return { status: 'failed', error: { message: error.message, code: error.code ?? null, retryable: error.retryable } };
}

export function workerRoutes(service: JobService, drains: WorkerDrains): Hono {
  const routes = new Hono();

  routes.post('/next-job', async (c) => {
    const input = await readBody(c, leaseInputSchema);
    logAbout(c, { worker_id: input.worker_id });
    assertMayActAs(c, input.worker_id);
    // A draining worker takes no more work; it is told so instead.
    if (drains.isDraining(input.worker_id)) return c.json({ jobs: [], drain: true });
    // Only a poll that waits can still be waiting when the drain is asked for.
    const poll = input.wait_ms > 0 ? drains.watch(input.worker_id, c.req.raw.signal) : null;
    let jobs;
    try {
      jobs = await service.lease({
        workerId: input.worker_id,
        types: input.types ?? null,
        queues: input.queues ?? null,
        max: input.max,
        waitMs: input.wait_ms,
        agent: input.agent ?? null,
        signal: poll?.signal ?? c.req.raw.signal,
      });
    } finally {
      poll?.done();
    }
    if (jobs.length) c.var.log.debug({ job_ids: jobs.map((job) => job.id) }, 'jobs leased');
    return c.json({ jobs: jobs.map(jobView), drain: drains.isDraining(input.worker_id) });
  });

  routes.post('/jobs/:id/heartbeat', async (c) => {
    const id = jobIdParam(c);
    const input = await readBody(c, heartbeatInputSchema);
    logAbout(c, { worker_id: input.worker_id });
    assertMayActAs(c, input.worker_id);
    const job = await service.heartbeat({ id, workerId: input.worker_id, version: input.version, progress: progressOf(input.progress) });
    return c.json({ ...leaseAnswer(job), drain: drains.isDraining(input.worker_id) });
  });

  // The leases of every job an agent holds, kept alive by one request: each heartbeat is applied
  // (or refused) exactly as POST /jobs/{id}/heartbeat would; they share a commit.
  routes.post('/heartbeats', async (c) => {
    const { worker_id, heartbeats } = await readBody(c, heartbeatBatchInputSchema);
    logAbout(c, { worker_id });
    assertMayActAs(c, worker_id);
    const settled = await service.heartbeatMany({
      workerId: worker_id,
      heartbeats: heartbeats.map((beat) => ({ id: beat.id, version: beat.version, progress: progressOf(beat.progress) })),
    });
    const results = settled.map((outcome, index) => {
      const id = heartbeats[index]!.id;
      if ('job' in outcome) return { id, status: 200, ...leaseAnswer(outcome.job), problem: null };
      const problem = refusalProblem(outcome.refused)!;
      return { id, status: problem.status, lease_expires_at: null, cancel_requested: null, problem };
    });
    return c.json({ results, drain: drains.isDraining(worker_id) });
  });

  routes.post('/jobs/:id/complete', async (c) => {
    const id = jobIdParam(c);
    const input = await readBody(c, completeInputSchema);
    logAbout(c, { worker_id: input.worker_id });
    assertMayActAs(c, input.worker_id);
    const job = await service.report({ id, workerId: input.worker_id, version: input.version, outcome: reportOutcome(input) });
    return c.json(jobView(job));
  });

  // Many reports in one request: the agent's way to report at the rate it finishes jobs. Each
  // report is applied (or refused) exactly as POST /jobs/{id}/complete would; they share a commit.
  routes.post('/reports', async (c) => {
    const { worker_id, reports, lease, return_jobs } = await readBody(c, reportBatchInputSchema);
    logAbout(c, { worker_id });
    assertMayActAs(c, worker_id);
    // A draining worker takes no more work: its reports are applied, nothing new is leased.
    const leaseNext = lease && !drains.isDraining(worker_id) ? { max: lease.max, types: lease.types ?? null, queues: lease.queues ?? null } : null;
    const { settled, leased } = await service.reportMany({
      workerId: worker_id,
      reports: reports.map((report) => ({ id: report.id, version: report.version, outcome: reportOutcome(report) })),
      lease: leaseNext,
      agent: lease?.agent ?? null,
      signal: c.req.raw.signal,
    });
    const results = settled.map((outcome, index) => {
      const id = reports[index]!.id;
      if ('job' in outcome) return { id, status: 200, job: return_jobs ? jobView(outcome.job) : null, problem: null };
      const problem = refusalProblem(outcome.refused)!;
      return { id, status: problem.status, job: null, problem };
    });
    return c.json({ results, jobs: leased.map(jobView) });
  });

  return routes;
}
