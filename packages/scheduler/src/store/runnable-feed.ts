// How schedulers sharing one database tell each other that jobs became runnable, so a job
// enqueued through one replica wakes a poller parked on another.
import type { RunnableJob } from './job-store.js';

export interface RunnableFeed {
  /** Tells the other schedulers; fire and forget: a lost announcement only delays a job. */
  announce(jobs: readonly RunnableJob[]): void;
  /** `'any'`: too many to list; every parked poller should look. */
  subscribe(listener: (jobs: RunnableJob[] | 'any') => void): void;
  close(): Promise<void>;
}
