// Delivers a job's outcome to the scheduler, retrying with backoff until it is accepted or refused.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ForemanClient, Job } from '@foreman/client';
import type { Logger } from 'pino';
import { backoffDelay, RETRY_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Failure } from './job-error.js';
import type { OutageTracker } from './outage.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Outcome = { status: 'completed'; result: JsonValue } | { status: 'failed'; error: Failure };

export interface ReporterDeps {
  client: ForemanClient;
  workerId: string;
  outage: OutageTracker;
  backoff?: BackoffPolicy;
  /** Aborted when the agent will wait no longer: the pending report is logged in full and given up. */
  giveUp?: AbortSignal;
}

/**
 * Reports one outcome; resolves once the scheduler accepted it or refused it for good. Never
 * rejects. `handlerReturned` says whether the job's handler has returned yet: a handler that
 * ignores its abort signal holds its slot past the report.
 */
export type Reporter = (job: Job, outcome: Outcome, logger: Logger, handlerReturned?: () => boolean) => Promise<void>;

// A hung connection must not hold a report forever; the retry picks it up.
const REQUEST_TIMEOUT_MS = 30_000;

export function createReporter({ client, workerId, outage, backoff = RETRY_BACKOFF, giveUp }: ReporterDeps): Reporter {
  return async (job, outcome, logger) => {
    let pending = outcome;
    for (let failures = 1; ; failures++) {
      if (giveUp?.aborted) {
        // Logged whole, so the result can still be recovered; the scheduler reruns the job once its lease expires.
        logger.error({ version: job.version, outcome: pending }, 'shutting down before the scheduler accepted this report; giving it up');
        return;
      }
      try {
        const { error, response } = await client.POST('/jobs/{id}/complete', {
          params: { path: { id: job.id } },
          body: { worker_id: workerId, version: job.version, ...pending },
          signal: giveUp ? AbortSignal.any([giveUp, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (!error) {
          outage.succeeded();
          logger.info({ status: pending.status, ...('error' in pending && { error: pending.error }) }, 'job reported');
          return;
        }
        if (response.status === 409 || response.status === 404) {
          // The lease moved on (expired, re-leased, cancelled): a newer attempt owns the job, so retrying is pointless.
          outage.succeeded();
          logger.warn({ http_status: response.status, problem: error, outcome: pending }, 'report refused; dropping it');
          return;
        }
        if (response.status < 500 && response.status !== 429) {
          logger.error({ http_status: response.status, problem: error, outcome: pending }, 'scheduler rejected the report');
          if (pending.status === 'failed') return;
          // A result the scheduler will never store (too large, say) still ends the attempt, as a failure that says why.
          pending = {
            status: 'failed',
            error: { message: `scheduler rejected the result with HTTP ${response.status}`, code: 'result_rejected', retryable: false },
          };
          continue;
        }
        outage.failed(`HTTP ${response.status} reporting job ${job.id}`);
      } catch (err) {
        outage.failed(err);
      }
      await sleep(backoffDelay(failures, backoff), undefined, giveUp && { signal: giveUp }).catch(() => undefined);
    }
  };
}
