// A fetch for an agent that sits where the network would: every request goes on to the real
// scheduler and is recorded with its answer, unless the test has the path fail (a 503, as a load
// balancer with no healthy backend answers, or a 404, as a scheduler from before the path), has
// a body field refused (as a scheduler from before the field) or alters the body on its way.
// Faults the scheduler would not produce on cue are made here; what the scheduler answers is
// always its own.
import { validatingFetch } from './validating-fetch.js';

export interface Exchange {
  at: number;
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  /** Undefined while the request is in flight. */
  status?: number;
  response?: unknown;
}

interface Failure {
  path: RegExp;
  /** Requests it still applies to. */
  left: number;
  status: number;
}

export class SchedulerTap {
  readonly exchanges: Exchange[] = [];
  /** While set, every request is answered 503 without reaching the scheduler. */
  down = false;
  private readonly failures: Failure[] = [];
  private readonly rewrites: Array<{ path: RegExp; change: (body: Record<string, unknown>) => Record<string, unknown> }> = [];
  private readonly unknownFields: Array<{ path: RegExp; field: string }> = [];

  /** Answers the next `count` requests whose path matches with `status` (every one while `count` is Infinity); returns a stop. */
  fail(path: RegExp, count = Infinity, status = 503): () => void {
    const rule = { path, left: count, status };
    this.failures.push(rule);
    return () => void (rule.left = 0);
  }

  /** Alters the JSON body of every request whose path matches before the scheduler sees it. */
  rewrite(path: RegExp, change: (body: Record<string, unknown>) => Record<string, unknown>): void {
    this.rewrites.push({ path, change });
  }

  /**
   * Refuses every request whose path matches and whose body carries `field` with the 400 the
   * scheduler gives an unknown field, as a scheduler from before that field would.
   */
  refuseField(path: RegExp, field: string): void {
    this.unknownFields.push({ path, field });
  }

  /** Exchanges whose path matches, in the order they were sent. */
  sent(path: RegExp): Exchange[] {
    return this.exchanges.filter((exchange) => path.test(exchange.path));
  }

  /** How each report of this job was answered, in order: a batch's answer is its item's. */
  reportAnswers(jobId: string): number[] {
    return this.answers(jobId, 'complete', '/reports', 'reports');
  }

  /** How each heartbeat of this job was answered, in order: a batch's answer is its item's. */
  heartbeatAnswers(jobId: string): number[] {
    return this.answers(jobId, 'heartbeat', '/heartbeats', 'heartbeats');
  }

  private answers(jobId: string, singlePath: string, batchPath: string, listKey: string): number[] {
    const answers: number[] = [];
    for (const exchange of this.exchanges) {
      if (exchange.status === undefined) continue;
      if (exchange.path === `/jobs/${jobId}/${singlePath}`) answers.push(exchange.status);
      if (exchange.path !== batchPath) continue;
      const index = (exchange.body![listKey] as Array<{ id: string }>).findIndex((item) => item.id === jobId);
      if (index < 0) continue;
      const results = (exchange.response as { results?: Array<{ status: number }> } | undefined)?.results;
      answers.push(results?.[index]?.status ?? exchange.status);
    }
    return answers;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const original = new Request(input, init);
    const path = new URL(original.url).pathname;
    const text = original.method === 'GET' ? '' : await original.text();
    let body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    for (const rule of this.rewrites) if (body && rule.path.test(path)) body = rule.change(body);
    const exchange: Exchange = { at: Date.now(), method: original.method, path, body };
    this.exchanges.push(exchange);
    const unknown = this.unknownFields.find((rule) => rule.path.test(path) && body && rule.field in body);
    if (unknown) {
      exchange.status = 400;
      const problem = { type: 'urn:foreman:problem:invalid-input', title: 'The request is invalid', status: 400, errors: [{ path: `/${unknown.field}`, message: 'is not a known field' }] };
      return new Response(JSON.stringify(problem), { status: 400, headers: { 'content-type': 'application/problem+json' } });
    }
    const failure = this.down ? 503 : this.takeFailure(path);
    if (failure) {
      exchange.status = failure;
      const problem = { type: 'about:blank', title: failure === 404 ? 'Not Found' : 'Service Unavailable', status: failure };
      return new Response(JSON.stringify(problem), { status: failure, headers: { 'content-type': 'application/problem+json' } });
    }
    const headers = new Headers(original.headers);
    headers.delete('content-length');
    const forwarded = { method: original.method, headers, signal: original.signal, ...(body && { body: JSON.stringify(body) }) };
    const response = await validatingFetch(original.url, forwarded);
    exchange.status = response.status;
    const answer = await response.clone().text();
    exchange.response = answer && response.headers.get('content-type')?.includes('json') ? JSON.parse(answer) : answer;
    return response;
  };

  /** The status to fail this request with, or null to let it through. */
  private takeFailure(path: string): number | null {
    const rule = this.failures.find((candidate) => candidate.left > 0 && candidate.path.test(path));
    if (!rule) return null;
    rule.left--;
    return rule.status;
  }
}
