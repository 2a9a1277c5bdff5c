// Says once in the log that the database stopped taking writes (a full disk, a lock held by
// another process, PostgreSQL gone) and once that it takes them again; meanwhile each request
// gets a 503, which alone would leave the operator only the metrics to notice by.
import { StoreUnavailableError } from '../jobs/job-errors.js';
import type { Logger } from '../logger.js';

export class UnavailabilityLog {
  private since: number | null = null;
  private refused = 0;

  constructor(private readonly logger: Logger) {}

  /** Told of every write transaction's outcome. */
  observe(outcome: 'commit' | 'error', error: unknown): void {
    if (outcome === 'commit') {
      if (this.since === null) return;
      this.logger.info({ unavailable_ms: Date.now() - this.since, writes_refused: this.refused }, 'the database takes writes again');
      this.since = null;
      return;
    }
    if (!(error instanceof StoreUnavailableError)) return;
    if (this.since !== null) {
      this.refused++;
      return;
    }
    this.since = Date.now();
    this.refused = 1;
    this.logger.warn({ reason: error.message }, 'the database refuses writes; requests are answered 503 until it takes them again');
  }
}
