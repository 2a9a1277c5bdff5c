// Whether this scheduler should be sent traffic: not while it opens (and migrates) the database,
// not once it shuts down, and not while the database does not answer.
import { setTimeout as sleep } from 'node:timers/promises';

export type NotReadyReason = 'starting' | 'shutting_down' | 'database_unreachable';

export type ReadinessState = { ready: true } | { ready: false; reason: NotReadyReason; detail: string };

/** A database check is reused this long, so probes from many load balancers cost one query a second. */
const pingCacheMs = 1000;
/** A database slower than this to answer `SELECT 1` counts as unreachable. */
const pingTimeoutMs = 1000;

export class Readiness {
  private phase: 'starting' | 'serving' | 'shutting_down' = 'starting';
  private ping: (() => Promise<void>) | null = null;
  private lastPing: { at: number; result: Promise<string | null> } | null = null;

  /** The database is open and migrated; from now on it is asked with `ping`. */
  serving(ping: () => Promise<void>): void {
    this.ping = ping;
    this.phase = 'serving';
  }

  shuttingDown(): void {
    this.phase = 'shutting_down';
  }

  async check(): Promise<ReadinessState> {
    if (this.phase === 'starting') return { ready: false, reason: 'starting', detail: 'The database is being opened and migrated.' };
    if (this.phase === 'shutting_down') return { ready: false, reason: 'shutting_down', detail: 'The scheduler is shutting down.' };
    const failure = await this.databaseFailure();
    if (this.phase !== 'serving') return this.check();
    return failure === null ? { ready: true } : { ready: false, reason: 'database_unreachable', detail: failure };
  }

  /** Why the database did not answer, or null when it did. */
  private databaseFailure(): Promise<string | null> {
    const now = Date.now();
    if (!this.lastPing || now - this.lastPing.at >= pingCacheMs) {
      this.lastPing = { at: now, result: this.pingOnce() };
    }
    return this.lastPing.result;
  }

  private async pingOnce(): Promise<string | null> {
    const timeout = new AbortController();
    try {
      return await Promise.race([
        this.ping!().then(() => null),
        sleep(pingTimeoutMs, `The database did not answer within ${pingTimeoutMs} ms.`, { signal: timeout.signal, ref: false }),
      ]);
    } catch (error) {
      return `The database did not answer: ${(error as Error).message}`;
    } finally {
      timeout.abort();
    }
  }
}
