// Gives every request an id (the caller's `X-Request-Id` when it is sane, else a new one), a logger
// that stamps it on every line, and its duration in the metrics under the matched route pattern.
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../logger.js';
import type { SchedulerMetrics } from '../metrics/scheduler-metrics.js';

declare module 'hono' {
  interface ContextVariableMap {
    log: Logger;
  }
}

const requestIdPattern = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestContext({ logger, metrics }: { logger: Logger; metrics: SchedulerMetrics }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const offered = c.req.header('x-request-id');
    const requestId = offered && requestIdPattern.test(offered) ? offered : randomUUID();
    c.set('log', logger.child({ request_id: requestId }));
    c.header('x-request-id', requestId);
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routePattern(c);
      metrics.observeRequest(c.req.method, route, c.res.status, seconds);
      if (c.var.log.isLevelEnabled('debug')) {
        c.var.log.debug({ method: c.req.method, route, status: c.res.status, duration_ms: Math.round(seconds * 1000) }, 'request handled');
      }
    }
  };
}

/** Adds the job or worker a request is about to its log lines. */
export function logAbout(c: Context, bindings: { job_id?: string; worker_id?: string }): void {
  c.set('log', c.var.log.child(bindings));
}

/** The pattern of the route that handled the request (never the raw path), or `unmatched`. */
function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index]!;
    if (route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}
