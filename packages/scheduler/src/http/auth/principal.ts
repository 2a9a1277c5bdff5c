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

/** Whether the request may read any job: without tokens, or with the `producer` scope. */
export function mayReadAnyJob(c: Context): boolean {
  const principal = principalOf(c);
  return !principal || hasScope(principal, 'producer');
}

/** A token with only the `worker` scope may enqueue child jobs (each with a parent_id), nothing else. */
export function assertMayEnqueue(c: Context, specs: ReadonlyArray<{ parent_id?: string | undefined }>): void {
  if (mayReadAnyJob(c) || specs.every((spec) => spec.parent_id !== undefined)) return;
  throw new ForbiddenError(`The token ${JSON.stringify(principalOf(c)!.name)} has the worker scope, which may enqueue only child jobs (with a parent_id).`);
}
