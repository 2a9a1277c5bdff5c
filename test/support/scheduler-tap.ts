// A fetch for an agent that sits where the network would: every request goes on to the real
// scheduler and is recorded with its answer, unless the test has the path fail (a 503, as a load
// balancer with no healthy backend answers) or alters the body on its way. Faults the scheduler
// would not produce on cue are made here; what the scheduler answers is always its own.
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

interface Rule {
  path: RegExp;
  /** Requests it still applies to. */
  left: number;
}

export class SchedulerTap {
  readonly exchanges: Exchange[] = [];
  /** While set, every request is answered 503 without reaching the scheduler. */
  down = false;
  private readonly failures: Rule[] = [];
  private readonly rewrites: Array<Rule & { change: (body: Record<string, unknown>) => Record<string, unknown> }> = [];

  /** Answers the next `count` requests whose path matches with 503 (every one while `count` is Infinity); returns a stop. */
  fail(path: RegExp, count = Infinity): () => void {
    const rule = { path, left: count };
    this.failures.push(rule);
    return () => void (rule.left = 0);
  }

  /** Alters the JSON body of every request whose path matches before the scheduler sees it. */
  rewrite(path: RegExp, change: (body: Record<string, unknown>) => Record<string, unknown>): void {
    this.rewrites.push({ path, left: Infinity, change });
  }

  /** Exchanges whose path matches, in the order they were sent. */
  sent(path: RegExp): Exchange[] {
    return this.exchanges.filter((exchange) => path.test(exchange.path));
  }

  /** How each report of this job was answered, in order: a batch's answer is its item's. */
  reportAnswers(jobId: string): number[] {
    const answers: number[] = [];
    for (const exchange of this.exchanges) {
      if (exchange.status === undefined) continue;
      if (exchange.path === `/jobs/${jobId}/complete`) answers.push(exchange.status);
      if (exchange.path !== '/reports') continue;
      const reports = exchange.body!.reports as Array<{ id: string }>;
      const index = reports.findIndex((report) => report.id === jobId);
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
    if (this.down || this.takeFailure(path)) {
      exchange.status = 503;
      const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503 };
      return new Response(JSON.stringify(problem), { status: 503, headers: { 'content-type': 'application/problem+json' } });
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

  private takeFailure(path: string): boolean {
    const rule = this.failures.find((candidate) => candidate.left > 0 && candidate.path.test(path));
    if (rule) rule.left--;
    return !!rule;
  }
}
