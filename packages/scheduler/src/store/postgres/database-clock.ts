// The database's clock, so that replicas on machines whose clocks disagree still agree on lease
// deadlines and due times. Read as an offset from the local clock, re-measured now and then,
// instead of a round trip per decision.
import type pg from 'pg';

/** How often the offset is measured again; clocks drift slowly. */
const refreshIntervalMs = 30_000;

export class DatabaseClock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pool: pg.Pool) {}

  /** Milliseconds since the epoch by the database's clock. */
  readonly now = (): number => Date.now() + this.offsetMs;

  async start(): Promise<void> {
    await this.measure();
    this.timer = setInterval(() => void this.measure().catch(() => undefined), refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The database's time against the midpoint of the round trip that read it. */
  private async measure(): Promise<void> {
    const sent = Date.now();
    const { rows } = await this.pool.query<{ now: number }>('SELECT extract(epoch from clock_timestamp()) * 1000 AS now');
    const received = Date.now();
    this.offsetMs = Math.round(Number(rows[0]!.now) - (sent + received) / 2);
  }
}
