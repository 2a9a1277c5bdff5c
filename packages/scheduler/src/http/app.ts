// The HTTP API: routes, authentication and limits, and the one place errors become problem responses.
import { Hono } from 'hono';
import type { JobService } from '../job-service.js';
import { authenticate } from './auth/authenticate.js';
import type { TokenRegistry } from './auth/token-registry.js';
import { bodyLimit } from './body-limit.js';
import { pollLimit } from './poll-limit.js';
import { rateLimit, type RateLimit } from './rate-limit.js';
import type { ShutdownGate } from './shutdown-gate.js';
import { problemForError, problemResponse, problemTypes } from './problem.js';
import { jobRoutes } from './routes/job-routes.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { workerRoutes } from './routes/worker-routes.js';

export interface AppOptions {
  service: JobService;
  contract: string;
  maxBodyBytes: number;
  maxPayloadBytes: number;
  /** Null: no tokens are configured and every route is open. */
  tokens: TokenRegistry | null;
  /** Null: requests are not rate-limited. */
  rateLimit: RateLimit | null;
  maxPollsPerClient: number;
  shutdown: ShutdownGate;
  logUnexpected: (error: unknown) => void;
}

export function createApp(options: AppOptions): Hono {
  const { service, contract, shutdown, logUnexpected } = options;
  const app = new Hono();

  app.use(shutdown.middleware());
  if (options.tokens) app.use(authenticate(options.tokens));
  if (options.rateLimit) app.use(rateLimit(options.rateLimit));
  app.use(bodyLimit(options.maxBodyBytes));
  app.use('/next-job', pollLimit(options.maxPollsPerClient));

  app.route('/', jobRoutes(service, options.maxPayloadBytes));
  app.route('/', workerRoutes(service));
  app.route('/', operationsRoutes(service, contract));

  app.notFound((c) =>
    problemResponse(c, { type: problemTypes.notFound, title: 'Not found', status: 404, detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }),
  );
  app.onError((error, c) => problemForError(c, error, logUnexpected));
  return app;
}
