// Keeps a running job's lease alive every lease_ms / 3, carries its progress, and says when it was cancelled or lost.
import type { ForemanClient, HeartbeatInput, Job } from '@foreman/client';
import type { Logger } from 'pino';
import type { OutageTracker } from './outage.js';

export type Progress = NonNullable<HeartbeatInput['progress']>;

export interface HeartbeatDeps {
  client: ForemanClient;
  workerId: string;
  logger: Logger;
  outage: OutageTracker;
  onCancelRequested(): void;
  /** The scheduler asked this worker to drain. */
  onDrain(): void;
  onLeaseLost(httpStatus: number): void;
}

export interface Heartbeat {
  setProgress(progress: Progress): void;
  stop(): void;
}

export function startHeartbeat(job: Job, deps: HeartbeatDeps): Heartbeat {
  const { client, workerId, logger, outage } = deps;
  let progress: Progress | undefined;
  let inFlight = false;
  let stopped = false;

  const beat = async () => {
    // A slow heartbeat must not stack up behind itself; the next tick retries.
    if (inFlight || stopped) return;
    inFlight = true;
    const sending = progress;
    try {
      const { data, error, response } = await client.POST('/jobs/{id}/heartbeat', {
        params: { path: { id: job.id } },
        body: { worker_id: workerId, version: job.version, ...(sending && { progress: sending }) },
        // Past lease_ms the lease is gone anyway; don't let a hung connection block later beats.
        signal: AbortSignal.timeout(job.lease_ms),
      });
      if (stopped) return;
      if (data) {
        outage.succeeded();
        if (progress === sending) progress = undefined;
        if (data.cancel_requested) deps.onCancelRequested();
        if (data.drain) deps.onDrain();
      } else if (response.status === 409 || response.status === 404 || response.status === 403) {
        // 403: the lease is another worker's (or this token may no longer act as this worker).
        deps.onLeaseLost(response.status);
      } else if (response.status >= 500) {
        outage.failed(`HTTP ${response.status} on heartbeat of job ${job.id}`);
      } else {
        logger.warn({ http_status: response.status, problem: error }, 'heartbeat refused; retrying at the next tick');
      }
    } catch (err) {
      if (!stopped) outage.failed(err);
    } finally {
      inFlight = false;
    }
  };

  const timer = setInterval(() => void beat(), Math.max(1, Math.floor(job.lease_ms / 3)));
  return {
    setProgress(next) {
      progress = next;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
