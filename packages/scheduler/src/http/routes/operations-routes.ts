// Statistics, the agents seen, and the contract itself.
import { Hono } from 'hono';
import { jobStatuses, type JobStatus } from '../../jobs/job-status.js';
import type { JobService } from '../../job-service.js';
import type { StatsSnapshot } from '../../store/job-store.js';
import { workerView } from '../views.js';

/** `GET /workers` lists agents that polled within this window. */
export const workerVisibilityMs = 60 * 60 * 1000;

type StatusCounts = Record<JobStatus, number>;

function zeroCounts(): StatusCounts {
  return Object.fromEntries(jobStatuses.map((status) => [status, 0])) as StatusCounts;
}

function statsView(snapshot: StatsSnapshot, now: number) {
  const counts = zeroCounts();
  const queues: Record<string, { counts: StatusCounts; oldest_runnable_age_ms: number | null }> = {};
  const types: Record<string, StatusCounts> = {};
  for (const row of snapshot.counts) {
    const status = row.status;
    counts[status] += row.count;
    (queues[row.queue] ??= { counts: zeroCounts(), oldest_runnable_age_ms: null }).counts[status] += row.count;
    (types[row.type] ??= zeroCounts())[status] += row.count;
  }
  for (const { queue, run_at } of snapshot.oldestRunnable) {
    const stats = (queues[queue] ??= { counts: zeroCounts(), oldest_runnable_age_ms: null });
    stats.oldest_runnable_age_ms = Math.max(0, now - run_at);
  }
  return { counts, queues, types };
}

export function operationsRoutes(service: JobService, contract: string): Hono {
  const routes = new Hono();

  routes.get('/openapi.yaml', (c) => c.body(contract, 200, { 'content-type': 'application/yaml; charset=utf-8' }));

  routes.get('/workers', async (c) => {
    const workers = await service.listWorkers(workerVisibilityMs);
    return c.json({ workers: workers.map(workerView) });
  });

  routes.get('/stats', async (c) => c.json(statsView(await service.getStats(), service.now())));

  return routes;
}
