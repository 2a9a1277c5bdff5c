// Group commit for SQLite: every write that arrives while the event loop is busy joins one
// transaction, so one fsync makes a whole batch durable instead of one fsync per request.
import type BetterSqlite3 from 'better-sqlite3';
import type { QueryRunner, Transactor } from '../transactor.js';
import type { SchedulerLock } from './scheduler-lock.js';
import { SqliteRunner, translateSqliteError } from './sqlite-runner.js';

interface PendingWrite {
  work: (tx: QueryRunner) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Bounds one transaction so a flood of writes still commits (and answers) in slices. */
const maxWritesPerCommit = 512;

export class SqliteTransactor implements Transactor {
  readonly reader: QueryRunner;
  private readonly writer: SqliteRunner;
  private readonly control: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint', BetterSqlite3.Statement>;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly writeDb: BetterSqlite3.Database,
    private readonly readDb: BetterSqlite3.Database,
    /** Released once the connections are closed, so a scheduler started next finds the file free. */
    private readonly lock?: SchedulerLock,
  ) {
    this.writer = new SqliteRunner(writeDb);
    this.reader = new SqliteRunner(readDb);
    this.control = {
      // IMMEDIATE takes the write lock up front, so a busy database fails at BEGIN, not halfway.
      begin: writeDb.prepare('BEGIN IMMEDIATE'),
      commit: writeDb.prepare('COMMIT'),
      rollback: writeDb.prepare('ROLLBACK'),
      savepoint: writeDb.prepare('SAVEPOINT write'),
      release: writeDb.prepare('RELEASE write'),
      rollbackToSavepoint: writeDb.prepare('ROLLBACK TO write'),
    };
  }

  write<T>(work: (tx: QueryRunner) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  async close(): Promise<void> {
    while (this.flushing || this.queue.length) {
      await (this.flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
    this.writeDb.pragma('wal_checkpoint(TRUNCATE)');
    this.readDb.close();
    this.writeDb.close();
    this.lock?.release();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    // setImmediate lets every request already read off the sockets join this commit.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if (this.queue.length) this.scheduleFlush();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, maxWritesPerCommit);
    try {
      this.control.begin.run();
    } catch (error) {
      for (const pending of batch) pending.reject(translateSqliteError(error));
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      for (const pending of batch) {
        // A savepoint per write: one caller's failure rolls back its own changes only.
        this.control.savepoint.run();
        try {
          const value = await pending.work(this.writer);
          this.control.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          // After a full disk or an I/O error SQLite may have rolled the whole transaction back
          // already; then this throws and the batch fails as a whole below.
          this.control.rollbackToSavepoint.run();
          this.control.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.control.commit.run();
    } catch (error) {
      if (this.writeDb.inTransaction) {
        try {
          this.control.rollback.run();
        } catch {
          // Nothing left to undo: every caller gets the original error below either way.
        }
      }
      for (const pending of batch) pending.reject(translateSqliteError(error));
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
