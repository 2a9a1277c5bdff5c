// Operators retire a machine from here: its agent stops taking work, finishes what it runs and exits.
import { Hono, type Context } from 'hono';
import type { WorkerDrains } from '../../loops/worker-drains.js';
import type { WorkerRow } from '../../store/schema.js';
import { problemResponse, problemTypes } from '../problem.js';
import { validate } from '../read-request.js';
import { logAbout } from '../request-context.js';
import { workerPathSchema } from '../schemas.js';
import { workerDrainView } from '../views.js';

async function changeDrain(c: Context, change: (workerId: string) => Promise<WorkerRow | undefined>): Promise<Response> {
  const { id } = validate(workerPathSchema, { id: c.req.param('id') });
  logAbout(c, { worker_id: id });
  const worker = await change(id);
  if (!worker) {
    return problemResponse(c, { type: problemTypes.notFound, title: 'No such worker', status: 404, detail: `No agent with the worker id ${JSON.stringify(id)} has polled.` });
  }
  return c.json(workerDrainView(worker));
}

export function drainRoutes(drains: WorkerDrains): Hono {
  const routes = new Hono();

  routes.post('/workers/:id/drain', (c) =>
    changeDrain(c, async (id) => {
      const worker = await drains.request(id);
      if (worker) c.var.log.info('worker asked to drain');
      return worker;
    }),
  );

  routes.delete('/workers/:id/drain', (c) =>
    changeDrain(c, async (id) => {
      const worker = await drains.withdraw(id);
      if (worker) c.var.log.info('drain request withdrawn');
      return worker;
    }),
  );

  return routes;
}
