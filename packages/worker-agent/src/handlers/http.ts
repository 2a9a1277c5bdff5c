// Built-in "http" job: makes one HTTP request and classifies the response as success, retryable or permanent failure.
import { z } from 'zod';
import { defineJob, type JobContext } from '../define-job.js';
import { JobError } from '../job-error.js';

/** Response bodies beyond this are cut off and the result is marked `truncated`. */
export const MAX_BODY_BYTES = 64 * 1024;
const ERROR_SNIPPET_BYTES = 1024;

export const httpPayload = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    method: z
      .string()
      .default('GET')
      .transform((method) => method.toUpperCase())
      .pipe(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])),
    headers: z.record(z.string(), z.string()).default(() => ({})),
    /** A string is sent as is; any other JSON value is sent as JSON. */
    body: z.json().optional(),
    timeout_ms: z.int().min(1).max(86_400_000).optional(),
  })
  .refine((payload) => payload.body == null || !['GET', 'HEAD'].includes(payload.method), {
    message: 'GET and HEAD requests cannot have a body',
    path: ['body'],
  });

export type HttpPayload = z.input<typeof httpPayload>;

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

export const httpJob = defineJob({
  type: 'http',
  schema: httpPayload,
  async handler(payload, ctx): Promise<HttpResult> {
    const signal =
      payload.timeout_ms === undefined ? ctx.signal : AbortSignal.any([ctx.signal, AbortSignal.timeout(payload.timeout_ms)]);
    try {
      const response = await fetch(payload.url, { method: payload.method, ...encodeBody(payload), signal });
      if (response.ok) {
        const { text, truncated } = await readCapped(response, MAX_BODY_BYTES);
        return { status: response.status, headers: Object.fromEntries(response.headers), body: text, truncated };
      }
      const { text } = await readCapped(response, ERROR_SNIPPET_BYTES);
      // 408 and 429 are the server asking to come back later, so they retry like 5xx.
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      throw new JobError(`HTTP ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`, {
        code: `http_${response.status}`,
        retryable,
      });
    } catch (error) {
      throw classify(error, ctx, payload.timeout_ms);
    }
  },
});

function encodeBody(payload: z.output<typeof httpPayload>): { headers: Headers; body?: string } {
  const headers = new Headers(payload.headers);
  if (payload.body == null) return { headers };
  if (typeof payload.body === 'string') return { headers, body: payload.body };
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return { headers, body: JSON.stringify(payload.body) };
}

function classify(error: unknown, ctx: JobContext, timeoutMs: number | undefined): unknown {
  if (error instanceof JobError) return error;
  if (ctx.signal.aborted) return ctx.signal.reason;
  // The reason of AbortSignal.timeout() is a DOMException, so match by name.
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
    return new JobError(`request timed out after ${timeoutMs} ms`, { code: 'http_timeout', retryable: true });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return new JobError(`request failed: ${message}${cause}`, { code: 'network_error', retryable: true, cause: error });
}

// Stops reading at the limit instead of buffering whatever the server sends.
async function readCapped(response: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      size = limit;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks, size)), truncated };
}
