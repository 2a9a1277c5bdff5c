// The HTTP API: routes, authentication and limits, and the one place errors become problem responses.
import { Hono } from 'hono';
import type { JobService } from '../job-service.js';
import type { WorkerDrains } from '../loops/worker-drains.js';
import type { Logger } from '../logger.js';
import type { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import { allowedMethods } from './allowed-methods.js';
import { authenticate } from './auth/authenticate.js';
import type { TokenRegistry } from './auth/token-registry.js';
import { bodyLimit } from './body-limit.js';
import { pollLimit } from './poll-limit.js';
import { rateLimit, type RateLimit } from './rate-limit.js';
import type { ShutdownGate } from './shutdown-gate.js';
import { problemForError, problemResponse, problemTypes } from './problem.js';
import type { Readiness } from './readiness.js';
import { requestContext } from './request-context.js';
import { drainRoutes } from './routes/drain-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { probeRoutes } from './routes/probe-routes.js';
import { workerRoutes } from './routes/worker-routes.js';

/** What every app needs, from the moment the port opens. */
export interface ProbeOptions {
  logger: Logger;
  metrics: SchedulerMetrics;
  readiness: Readiness;
  /** Null: no tokens are configured and every route is open. */
  tokens: TokenRegistry | null;
}

export interface AppOptions extends ProbeOptions {
  service: JobService;
  drains: WorkerDrains;
  contract: string;
  maxBodyBytes: number;
  maxPayloadBytes: number;
  /** Null: requests are not rate-limited. */
  rateLimit: RateLimit | null;
  maxPollsPerClient: number;
  shutdown: ShutdownGate;
}

/**
 * Request ids, logs, metrics, authentication and the probes; the probes answer even while the
 * scheduler shuts down. Health checks are open; metrics need a token when tokens exist.
 */
function baseApp({ logger, metrics, readiness, tokens }: ProbeOptions): Hono {
  const app = new Hono();
  app.use(requestContext({ logger, metrics }));
  if (tokens) app.use(authenticate(tokens));
  app.route('/', probeRoutes({ readiness, metrics }));
  app.onError((error, c) => problemForError(c, error, (unexpected) => c.var.log.error({ err: unexpected }, 'request failed unexpectedly')));
  return app;
}

export function createApp({ service, drains, contract, maxBodyBytes, maxPayloadBytes, rateLimit: limit, maxPollsPerClient, shutdown, ...probes }: AppOptions): Hono {
  const app = baseApp(probes);

  app.use(shutdown.middleware());
  if (limit) app.use(rateLimit(limit));
  app.use(bodyLimit(maxBodyBytes));
  app.use('/next-job', pollLimit(maxPollsPerClient));

  app.route('/', jobRoutes(service, maxPayloadBytes));
  app.route('/', workerRoutes(service, drains));
  app.route('/', drainRoutes(drains));
  app.route('/', operationsRoutes(service, contract));

  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const methods = allowed(path);
    if (methods.length) {
      const detail = `${path} answers ${methods.join(', ')}, not ${c.req.method}.`;
      return problemResponse(c, { type: problemTypes.methodNotAllowed, title: 'Method not allowed', status: 405, detail }, { allow: methods.join(', ') });
    }
    return problemResponse(c, { type: problemTypes.notFound, title: 'Not found', status: 404, detail: `No route for ${c.req.method} ${path}.` });
  });
  return app;
}

/** What answers while the database is opened and migrated: the probes, and 503 for the API. */
export function createStartingApp(probes: ProbeOptions): Hono {
  const app = baseApp(probes);
  app.notFound((c) =>
    problemResponse(
      c,
      { type: problemTypes.unavailable, title: 'The scheduler is starting', status: 503, detail: 'The database is being opened and migrated. Retry after 1 s.' },
      { 'retry-after': '1' },
    ),
  );
  return app;
}
