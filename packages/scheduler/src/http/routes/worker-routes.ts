// What agents call: lease work (long poll), heartbeat, report.
import { Hono } from 'hono';
import type { JobService } from '../../job-service.js';
import type { ReportOutcome } from '../../store/job-store.js';
import { assertMayActAs } from '../auth/principal.js';
import { readBody } from '../read-request.js';
import { completeInputSchema, heartbeatInputSchema, leaseInputSchema, reportBatchInputSchema, type ReportOutcomeInput } from '../schemas.js';
import { refusalProblem } from '../problem.js';
import { jobView } from '../views.js';
import { jobIdParam } from './job-routes.js';

function reportOutcome(input: ReportOutcomeInput): ReportOutcome {
  if (input.status === 'completed') {
    return { status: 'completed', result: input.result === undefined ? null : JSON.stringify(input.result) };
  }
  const error = input.error ?? { message: 'The worker reported a failure without details.', retryable: true };
  return { status: 'failed', error: { message: error.message, code: error.code ?? null, retryable: error.retryable } };
}

export function workerRoutes(service: JobService): Hono {
  const routes = new Hono();

  routes.post('/next-job', async (c) => {
    const input = await readBody(c, leaseInputSchema);
    assertMayActAs(c, input.worker_id);
    const jobs = await service.lease({
      workerId: input.worker_id,
      types: input.types ?? null,
      queues: input.queues ?? null,
      max: input.max,
      waitMs: input.wait_ms,
      agent: input.agent ?? null,
      signal: c.req.raw.signal,
    });
    return c.json({ jobs: jobs.map(jobView) });
  });

  routes.post('/jobs/:id/heartbeat', async (c) => {
    const id = jobIdParam(c.req.param('id'));
    const input = await readBody(c, heartbeatInputSchema);
    assertMayActAs(c, input.worker_id);
    const progress = input.progress && { current: input.progress.current, total: input.progress.total ?? null, message: input.progress.message ?? null };
    const job = await service.heartbeat({ id, workerId: input.worker_id, version: input.version, progress });
    return c.json({ lease_expires_at: new Date(Number(job.lease_expires_at)).toISOString(), cancel_requested: job.cancel_requested === 1 });
  });

  routes.post('/jobs/:id/complete', async (c) => {
    const id = jobIdParam(c.req.param('id'));
    const input = await readBody(c, completeInputSchema);
    assertMayActAs(c, input.worker_id);
    const job = await service.report({ id, workerId: input.worker_id, version: input.version, outcome: reportOutcome(input) });
    return c.json(jobView(job));
  });

  // Many reports in one request: the agent's way to report at the rate it finishes jobs. Each
  // report is applied (or refused) exactly as POST /jobs/{id}/complete would; they share a commit.
  routes.post('/reports', async (c) => {
    const { worker_id, reports } = await readBody(c, reportBatchInputSchema);
    assertMayActAs(c, worker_id);
    const settled = await Promise.allSettled(
      reports.map((report) => service.report({ id: report.id, workerId: worker_id, version: report.version, outcome: reportOutcome(report) })),
    );
    const results = settled.map((outcome, index) => {
      const id = reports[index]!.id;
      if (outcome.status === 'fulfilled') return { id, status: 200, job: jobView(outcome.value), problem: null };
      const problem = refusalProblem(outcome.reason);
      // Anything but a refusal (the database is down, say) fails the whole request, to be retried.
      if (!problem) throw outcome.reason;
      return { id, status: problem.status, job: null, problem };
    });
    return c.json({ results });
  });

  return routes;
}
