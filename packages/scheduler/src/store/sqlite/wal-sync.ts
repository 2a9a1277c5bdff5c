// Makes SQLite commits durable without blocking the event loop. SQLite commits in WAL mode with
// `synchronous = NORMAL`, which writes the WAL but does not sync it; this syncs the WAL file in
// libuv's thread pool, and a commit counts as durable once a sync that began after it has
// finished. While one sync runs, the next group of requests is parsed and committed, and the
// next sync makes that whole group durable at once.
import { closeSync, fdatasync, openSync } from 'node:fs';
import { StoreUnavailableError } from '../../jobs/job-errors.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WalSync {
  private readonly fd: number;
  private waiting: Waiter[] = [];
  private syncing: Promise<void> | null = null;

  constructor(walPath: string) {
    // Opened for appending only so that a missing WAL file is created empty, which SQLite accepts.
    this.fd = openSync(walPath, 'a');
  }

  /** Resolves once everything committed before the call is on disk. */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.startSync();
    });
  }

  /** Waits for the syncs under way, then closes the file. */
  async close(): Promise<void> {
    while (this.syncing) await this.syncing;
    closeSync(this.fd);
  }

  private startSync(): void {
    if (this.syncing || !this.waiting.length) return;
    const batch = this.waiting;
    this.waiting = [];
    this.syncing = new Promise<void>((done) => {
      fdatasync(this.fd, (error) => {
        this.syncing = null;
        for (const waiter of batch) {
          if (error) waiter.reject(new StoreUnavailableError(`The database could not be synced to disk (${error.code ?? error.message}).`));
          else waiter.resolve();
        }
        done();
        this.startSync();
      });
    });
  }
}
