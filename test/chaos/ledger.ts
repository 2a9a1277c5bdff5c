// What a fault test saw acknowledged, checked against what the scheduler ends up holding.
import type { ForemanClient } from '@foreman/client';

export interface LedgerReport {
  acknowledged: number;
  lost: string[];
  unexpected: string[];
  acceptedCompletionsPerJob: Map<string, number>;
  executionsPerJob: Map<string, number>;
}

export class Ledger {
  readonly acknowledged = new Set<string>();
  readonly acceptedCompletions = new Map<string, number>();
  readonly executions = new Map<string, number>();

  enqueued(id: string): void {
    this.acknowledged.add(id);
  }

  executed(id: string): void {
    this.executions.set(id, (this.executions.get(id) ?? 0) + 1);
  }

  completionAccepted(id: string): void {
    this.acceptedCompletions.set(id, (this.acceptedCompletions.get(id) ?? 0) + 1);
  }

  /** Reads every job back: acknowledged but not terminal is lost; present but never acknowledged is unexpected. */
  async reconcile(client: ForemanClient, type: string): Promise<LedgerReport> {
    const seen = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const { data } = await client.GET('/jobs', { params: { query: { type, limit: 500, ...(cursor ? { cursor } : {}) } } });
      for (const job of data!.jobs) seen.set(job.id, job.status);
      cursor = data!.next_cursor ?? undefined;
    } while (cursor);
    const terminal = new Set(['completed', 'failed', 'cancelled']);
    return {
      acknowledged: this.acknowledged.size,
      lost: [...this.acknowledged].filter((id) => !terminal.has(seen.get(id) ?? '')),
      unexpected: [...seen.keys()].filter((id) => !this.acknowledged.has(id)),
      acceptedCompletionsPerJob: this.acceptedCompletions,
      executionsPerJob: this.executions,
    };
  }
}
