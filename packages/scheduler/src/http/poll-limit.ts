// Bounds the long polls one client holds open at once (per token, or per address without
// tokens), so that one client cannot tie up the server with waiting connections.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { principalOf } from './auth/principal.js';
import { problemResponse, problemTypes } from './problem.js';

export function pollLimit(maxPerClient: number): MiddlewareHandler {
  const open = new Map<string, number>();
  return async (c, next) => {
    const principal = principalOf(c);
    const client = principal ? `token:${principal.name}` : `address:${getConnInfo(c).remote.address ?? 'unknown'}`;
    const count = open.get(client) ?? 0;
    if (count >= maxPerClient) {
      return problemResponse(
        c,
        { type: problemTypes.tooManyRequests, title: 'Too many long polls', status: 429, detail: `At most ${maxPerClient} long polls may wait at once per client. Retry after 1 s.` },
        { 'retry-after': '1' },
      );
    }
    open.set(client, count + 1);
    try {
      await next();
    } finally {
      const left = open.get(client)! - 1;
      if (left === 0) open.delete(client);
      else open.set(client, left);
    }
  };
}
