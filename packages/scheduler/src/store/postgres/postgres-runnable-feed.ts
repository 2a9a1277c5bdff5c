// Cross-replica wake-ups over PostgreSQL's LISTEN/NOTIFY.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RunnableJob } from '../job-store.js';
import type { RunnableFeed } from '../runnable-feed.js';
import { waitAtMost } from './wait-at-most.js';

const channel = 'foreman_runnable';
/** NOTIFY payloads must stay under 8000 bytes; past this, the message just says "look". */
const maxPayloadBytes = 7000;
const reconnectDelayMs = 1000;
/** The listening connection is probed once per database timeout, and at most this often. */
const minProbeIntervalMs = 1000;

interface Message {
  from: string;
  jobs?: Array<[string, string]>;
}

export class PostgresRunnableFeed implements RunnableFeed {
  /** Our own notifications come back to us too; they are recognised by this id and skipped. */
  private readonly replicaId = randomUUID();
  private listener: ((jobs: RunnableJob[] | 'any') => void) | null = null;
  private client: pg.Client | null = null;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connection: pg.ClientConfig,
    /** The database timeout: how long a query, or closing a connection, may take. */
    private readonly timeoutMs: number,
  ) {}

  announce(jobs: readonly RunnableJob[]): void {
    if (!jobs.length || this.closed) return;
    const unique = [...new Map(jobs.map((job) => [`${job.queue}\u0000${job.type}`, [job.queue, job.type] as [string, string]])).values()];
    let payload = JSON.stringify({ from: this.replicaId, jobs: unique } satisfies Message);
    if (Buffer.byteLength(payload) > maxPayloadBytes) payload = JSON.stringify({ from: this.replicaId } satisfies Message);
    this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => undefined);
  }

  subscribe(listener: (jobs: RunnableJob[] | 'any') => void): void {
    this.listener = listener;
    void this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client) await endWithin(this.client, this.timeoutMs);
  }

  private async listen(): Promise<void> {
    const timeoutMs = this.timeoutMs;
    while (!this.closed) {
      // A query that gets no answer within the timeout fails, the probe below included.
      const client = new pg.Client({ ...this.connection, query_timeout: timeoutMs });
      let markLost!: () => void;
      const lost = new Promise<void>((resolve) => {
        markLost = resolve;
        // `on`, not `once`: a second error with no listener would be an uncaught exception.
        client.on('error', () => resolve());
        client.once('end', () => resolve());
      });
      // A connection that went silent (a NAT or firewall that forgot it) raises no error for
      // hours; a query now and then finds out, so that notifications do not stop unnoticed.
      const probe = setInterval(() => void client.query('SELECT 1').catch(markLost), Math.max(timeoutMs, minProbeIntervalMs));
      probe.unref();
      try {
        await client.connect();
        client.on('notification', (notification) => this.deliver(notification.payload));
        await client.query(`LISTEN ${channel}`);
        this.client = client;
        // Closed while connecting: close() did not see this client.
        if (this.closed) markLost();
        // Anything announced while we were not listening is found by the periodic re-check.
        await lost;
      } catch {
        // The database is unreachable: try again shortly.
      } finally {
        clearInterval(probe);
      }
      await endWithin(client, timeoutMs);
      if (!this.closed) await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs).unref());
    }
  }

  private deliver(payload: string | undefined): void {
    let message: Message;
    try {
      message = JSON.parse(payload ?? '') as Message;
    } catch {
      return;
    }
    if (message.from === this.replicaId) return;
    this.listener?.(message.jobs ? message.jobs.map(([queue, type]) => ({ queue, type })) : 'any');
  }
}

/**
 * Ends a connection, waiting at most `ms` for the server; a silent one is then cut, so that it
 * holds neither a socket here nor a backend there until TCP gives up on it.
 */
async function endWithin(client: pg.Client, ms: number): Promise<void> {
  await waitAtMost(client.end(), ms);
  client.connection.stream.destroy();
}
