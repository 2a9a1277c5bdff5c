// The authenticated token of a request, and the checks that need the request's body to decide.
import type { Context } from 'hono';
import { ForbiddenError } from './forbidden-error.js';
import { hasScope, type Principal } from './scopes.js';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** The request's token; undefined when the scheduler runs without tokens. */
export function principalOf(c: Context): Principal | undefined {
  return c.get('principal');
}

/** A token bound to worker ids may lease and report only as one of them. */
export function assertMayActAs(c: Context, workerId: string): void {
  const principal = principalOf(c);
  if (principal?.workerIds && !principal.workerIds.has(workerId)) {
    throw new ForbiddenError(`The token ${JSON.stringify(principal.name)} may not act as worker ${JSON.stringify(workerId)}.`);
  }
}

/**
 * A token with only the `worker` scope may enqueue child jobs (each with a parent_id), nothing
 * else. Returns whether the caller may read any job; if not, an idempotency key may only name a
 * child of the same parent.
 */
export function assertMayEnqueue(c: Context, specs: ReadonlyArray<{ parent_id?: string | undefined }>): { mayReadJobs: boolean } {
  const principal = principalOf(c);
  if (!principal || hasScope(principal, 'producer')) return { mayReadJobs: true };
  if (specs.some((spec) => spec.parent_id === undefined)) {
    throw new ForbiddenError(`The token ${JSON.stringify(principal.name)} has the worker scope, which may enqueue only child jobs (with a parent_id).`);
  }
  return { mayReadJobs: false };
}
