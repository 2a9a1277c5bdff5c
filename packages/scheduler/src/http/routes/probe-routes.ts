// What load balancers, orchestrators and Prometheus ask: liveness, readiness and metrics. These
// answer from the moment the port is open, before the database is, and through shutdown.
import { Hono } from 'hono';
import type { SchedulerMetrics } from '../../metrics/scheduler-metrics.js';
import type { Readiness } from '../readiness.js';

export function probeRoutes({ readiness, metrics }: { readiness: Readiness; metrics: SchedulerMetrics }): Hono {
  const routes = new Hono();

  routes.get('/healthz', (c) => c.json({ status: 'ok' as const }));

  routes.get('/readyz', async (c) => {
    const state = await readiness.check();
    if (state.ready) return c.json({ status: 'ready' as const });
    return c.json({ status: 'not_ready' as const, reason: state.reason, detail: state.detail }, 503, { 'cache-control': 'no-store' });
  });

  routes.get('/metrics', async (c) => {
    const { body, contentType } = await metrics.expose();
    return c.body(body, 200, { 'content-type': contentType });
  });

  return routes;
}
