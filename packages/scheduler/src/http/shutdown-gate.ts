// Turns new requests away while the scheduler shuts down, so that agents polling over
// keep-alive connections cannot hold a graceful shutdown open forever.
import type { MiddlewareHandler } from 'hono';
import { problemResponse, problemTypes } from './problem.js';

export class ShutdownGate {
  private closing = false;

  begin(): void {
    this.closing = true;
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      if (!this.closing) return next();
      return problemResponse(
        c,
        { type: problemTypes.unavailable, title: 'The scheduler is shutting down', status: 503, detail: 'Retry after 1 s, against this or another replica.' },
        { 'retry-after': '1', connection: 'close' },
      );
    };
  }
}
