// Which scope each route needs, in one table. Default deny: a route not listed needs `admin`.
import type { Scope } from './scopes.js';

/** `open`: served without a token; otherwise any one of the scopes grants access. */
export type RouteAccess = 'open' | readonly Scope[];

const routeTable: ReadonlyArray<readonly [method: string, path: string, access: RouteAccess]> = [
  ['GET', '/healthz', 'open'],
  ['GET', '/readyz', 'open'],
  ['GET', '/openapi.yaml', 'open'],
  // A worker token may enqueue only child jobs (every job with a parent_id): checked where the body is read.
  ['POST', '/jobs', ['producer', 'worker']],
  ['POST', '/jobs/batch', ['producer', 'worker']],
  ['GET', '/jobs', ['producer']],
  ['GET', '/jobs/{id}', ['producer']],
  ['GET', '/jobs/{id}/events', ['producer']],
  ['GET', '/stats', ['producer']],
  ['POST', '/next-job', ['worker']],
  ['POST', '/jobs/{id}/heartbeat', ['worker']],
  ['POST', '/heartbeats', ['worker']],
  ['POST', '/jobs/{id}/complete', ['worker']],
  ['POST', '/reports', ['worker']],
  ['POST', '/jobs/{id}/cancel', ['admin']],
  ['POST', '/jobs/{id}/retry', ['admin']],
  ['GET', '/workers', ['admin']],
  ['GET', '/metrics', ['admin']],
  ['POST', '/workers/{id}/drain', ['admin']],
  ['DELETE', '/workers/{id}/drain', ['admin']],
];

const adminOnly: RouteAccess = ['admin'];

const compiled = routeTable.map(([method, path, access]) => ({
  method,
  pattern: new RegExp(`^${path.replaceAll('.', '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  access,
}));

export function routeAccess(method: string, path: string): RouteAccess {
  const asked = method === 'HEAD' ? 'GET' : method;
  return compiled.find((route) => route.method === asked && route.pattern.test(path))?.access ?? adminOnly;
}
