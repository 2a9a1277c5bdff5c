// Requests per second per token, as a token bucket: `burst` requests at once, refilled at `perSecond`.
import type { MiddlewareHandler } from 'hono';
import { principalOf } from './auth/principal.js';
import { problemResponse, problemTypes } from './problem.js';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function rateLimit({ perSecond, burst }: RateLimit, now: () => number = Date.now): MiddlewareHandler {
  const buckets = new Map<string, Bucket>();
  return async (c, next) => {
    // Open routes carry no token, and without tokens there is nobody to count against.
    const principal = principalOf(c);
    if (!principal) return next();
    const at = now();
    const bucket = buckets.get(principal.name) ?? { tokens: burst, at };
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
    bucket.at = at;
    buckets.set(principal.name, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = String(Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)));
      return problemResponse(
        c,
        { type: problemTypes.tooManyRequests, title: 'Too many requests', status: 429, detail: `The token ${JSON.stringify(principal.name)} may make ${perSecond} requests per second. Retry after ${retryAfter} s.` },
        { 'retry-after': retryAfter },
      );
    }
    bucket.tokens -= 1;
    return next();
  };
}
