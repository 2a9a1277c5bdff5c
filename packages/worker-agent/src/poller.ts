// Long-polls /next-job for as many jobs as there are free slots, one request at a time, backing off while the scheduler is unreachable.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ForemanClient, Job, LeaseInput } from '@foreman/client';
import type { Logger } from 'pino';
import { createBackoff, RETRY_BACKOFF } from './backoff.js';
import type { OutageTracker } from './outage.js';
import type { Slots } from './slots.js';

export interface PollerDeps {
  client: ForemanClient;
  logger: Logger;
  outage: OutageTracker;
  slots: Slots;
  /** The lease request without `max`, which is worked out per poll. */
  lease: Omit<LeaseInput, 'max'>;
  /** Takes a slot and runs the job. */
  dispatch(job: Job): void;
  /** The scheduler asked this worker to drain; polling has stopped. */
  onDrain(): void;
  /** Aborting it stops polling, including the request in flight. */
  signal: AbortSignal;
}

const MAX_PER_LEASE = 100;
// Beyond wait_ms plus this, the long poll is treated as a dead connection rather than a quiet queue.
const POLL_SLACK_MS = 15_000;

/** Resolves when `signal` aborts; never rejects. */
export async function poll({ client, logger, outage, slots, lease, dispatch, onDrain, signal }: PollerDeps): Promise<void> {
  const backoff = createBackoff(RETRY_BACKOFF);
  while (!signal.aborted) {
    if (slots.free <= 0) {
      await slots.whenFree(signal);
      continue;
    }
    try {
      const { data, error, response } = await client.POST('/next-job', {
        body: { ...lease, max: Math.min(slots.free, MAX_PER_LEASE) },
        signal: AbortSignal.any([signal, AbortSignal.timeout((lease.wait_ms ?? 0) + POLL_SLACK_MS)]),
      });
      // A 200 without a jobs list is no scheduler's answer (a wrong --url): an outage, backed off from.
      if (data && Array.isArray(data.jobs)) {
        outage.succeeded();
        backoff.reset();
        for (const job of data.jobs) dispatch(job);
        if (data.drain) {
          onDrain();
          return;
        }
        continue;
      }
      if (data) {
        outage.failed(`HTTP ${response.status} from /next-job without a list of jobs: is the agent's --url a Foreman scheduler?`);
      } else if (response.status >= 500 || response.status === 429) {
        outage.failed(`HTTP ${response.status} from /next-job`);
      } else {
        // A 4xx will not fix itself (bad types, say); say so at every retry, which backoff spaces out.
        logger.error({ http_status: response.status, problem: error }, 'scheduler refused the lease request');
      }
    } catch (err) {
      if (signal.aborted) break;
      outage.failed(err);
    }
    await sleep(backoff.next(), undefined, { signal }).catch(() => undefined);
  }
}
