// The HTTP API: routes, the body limit, and the one place errors become problem responses.
import { Hono } from 'hono';
import type { JobService } from '../job-service.js';
import { bodyLimit } from './body-limit.js';
import type { ShutdownGate } from './shutdown-gate.js';
import { problemForError, problemResponse, problemTypes } from './problem.js';
import { jobRoutes } from './routes/job-routes.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { workerRoutes } from './routes/worker-routes.js';

export interface AppOptions {
  service: JobService;
  contract: string;
  maxBodyBytes: number;
  shutdown: ShutdownGate;
  logUnexpected: (error: unknown) => void;
}

export function createApp({ service, contract, maxBodyBytes, shutdown, logUnexpected }: AppOptions): Hono {
  const app = new Hono();

  app.use(shutdown.middleware());
  app.use(bodyLimit(maxBodyBytes));

  app.route('/', jobRoutes(service));
  app.route('/', workerRoutes(service));
  app.route('/', operationsRoutes(service, contract));

  app.notFound((c) =>
    problemResponse(c, { type: problemTypes.notFound, title: 'Not found', status: 404, detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }),
  );
  app.onError((error, c) => problemForError(c, error, logUnexpected));
  return app;
}
