// Keeps a held job's lease alive about every lease_ms / 3 (in rounds with the other held jobs), carries its progress, and says when it was cancelled or lost.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '@foreman/client';
import type { Logger } from 'pino';
import type { HeartbeatSender, Progress } from './heartbeat-sender.js';
import type { HeartbeatTicker } from './heartbeat-ticker.js';
import type { OutageTracker } from './outage.js';

export interface HeartbeatDeps {
  /** Sends this job's heartbeat with the others due at the same time. */
  send: HeartbeatSender;
  /** Times the heartbeats of every job the agent holds. */
  ticker: HeartbeatTicker;
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
  /** Stops once a heartbeat already sent is answered, sending progress not delivered yet, so a job that ends between beats still shows its last. */
  finish(): Promise<void>;
}

/** How long a report waits for its job's last progress to be delivered. */
const finalProgressTimeoutMs = 1_000;

export function startHeartbeat(job: Job, deps: HeartbeatDeps): Heartbeat {
  const { send, logger, outage } = deps;
  let progress: Progress | undefined;
  /** The heartbeat sent and not yet answered, if any. */
  let inFlight: Promise<unknown> | null = null;
  let stopped = false;

  const beat = async () => {
    // A slow heartbeat must not stack up behind itself; the next tick retries.
    if (inFlight || stopped) return;
    const sending = progress;
    try {
      const answer = await (inFlight = send(job, sending));
      if (stopped) return;
      if (answer.status === 200) {
        outage.succeeded();
        if (progress === sending) progress = undefined;
        if (answer.cancelRequested) deps.onCancelRequested();
        if (answer.drain) deps.onDrain();
      } else if (answer.status === 409 || answer.status === 404 || answer.status === 403) {
        // 403: the lease is another worker's (or this token may no longer act as this worker).
        deps.onLeaseLost(answer.status);
      } else if (answer.status >= 500) {
        outage.failed(`HTTP ${answer.status} on heartbeat of job ${job.id}`);
      } else {
        logger.warn({ http_status: answer.status, problem: answer.problem }, 'heartbeat refused; retrying at the next tick');
      }
    } catch (err) {
      if (!stopped) outage.failed(err);
    } finally {
      inFlight = null;
    }
  };

  const stopTicking = deps.ticker.every(Math.max(1, Math.floor(job.lease_ms / 3)), () => void beat());
  const stop = () => {
    stopped = true;
    stopTicking();
  };
  return {
    setProgress(next) {
      progress = next;
    },
    stop,
    async finish() {
      const last = stopped ? undefined : progress;
      const sent = inFlight;
      stop();
      if (last === undefined && sent === null) return;
      // The report waits for a heartbeat already out, which it would otherwise overtake and have
      // answered 409. Their answers no longer matter: the report settles the job either way.
      const delivered = (async () => {
        await sent?.catch(() => undefined);
        if (last !== undefined) await send(job, last).catch(() => undefined);
      })();
      await Promise.race([delivered, sleep(finalProgressTimeoutMs, undefined, { ref: false })]);
    },
  };
}
