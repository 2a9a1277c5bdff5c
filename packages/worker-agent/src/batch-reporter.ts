// Sends outcomes as they finish, many per request: while one report request is in flight, the
// next outcomes queue and go together. Each request also leases the next jobs for the slots
// its reports free, saving the round trip to /next-job. Anything the batch cannot settle falls
// back to the one-by-one reporter, with its retries, so no outcome is dropped.
import type { ForemanClient, Job, ReportBatchInput } from '@foreman/client';
import type { Logger } from 'pino';
import type { OutageTracker } from './outage.js';
import type { Outcome, Reporter } from './reporter.js';

/** The contract's limit on reports per request. */
const maxReportsPerRequest = 100;
const maxRequestsInFlight = 2;
// A hung connection must not hold the batch forever; its reports then go one by one.
const requestTimeoutMs = 30_000;

interface QueuedReport {
  job: Job;
  outcome: Outcome;
  logger: Logger;
  handlerReturned: () => boolean;
  settle: () => void;
}

export interface BatchReporterDeps {
  client: ForemanClient;
  workerId: string;
  outage: OutageTracker;
  /** Delivers one report with retries; used for whatever a batch leaves unsettled. */
  single: Reporter;
  /** Aborted when the agent will wait no longer; the batch in flight then goes to `single`, which gives up. */
  giveUp?: AbortSignal;
  /** What to lease for the slots `count` reports free, or null to lease nothing (when stopping, say). */
  leaseFor?: (count: number) => ReportBatchInput['lease'] | null;
  /** Runs the jobs a report leased; called before the reports settle, so their slots pass straight on. */
  dispatch?: (job: Job) => void;
}

/** Whether a 400 names `return_jobs` as unknown: a scheduler older than that field. */
function refusesReturnJobs(status: number, problem: unknown): boolean {
  const errors = (problem as { errors?: Array<{ path?: unknown }> } | undefined)?.errors;
  return status === 400 && Array.isArray(errors) && errors.some((error) => error.path === '/return_jobs');
}

export function createBatchReporter({ client, workerId, outage, single, giveUp, leaseFor, dispatch }: BatchReporterDeps): Reporter {
  const queue: QueuedReport[] = [];
  let senders = 0;
  // Only each report's status is read here; the jobs' representations would cost both sides.
  // A scheduler older than `return_jobs` refuses it, and is asked without it from then on.
  let omitJobs = true;

  const oneByOne = (batch: QueuedReport[]) => {
    for (const item of batch) void single(item.job, item.outcome, item.logger).then(item.settle);
  };

  const send = async (batch: QueuedReport[]): Promise<void> => {
    try {
      // Only a job whose handler has returned frees its slot when the report settles: a timed-out
      // handler that ignores its signal still runs, and a job leased for its slot would wait on it.
      const freed = batch.filter((item) => item.handlerReturned()).length;
      const lease = freed > 0 ? leaseFor?.(freed) : null;
      const { data, error, response } = await client.POST('/reports', {
        body: {
          worker_id: workerId,
          reports: batch.map(({ job, outcome }) => ({ id: job.id, version: job.version, ...outcome })),
          ...(lease && { lease }),
          ...(omitJobs && { return_jobs: false }),
        },
        signal: giveUp ? AbortSignal.any([giveUp, AbortSignal.timeout(requestTimeoutMs)]) : AbortSignal.timeout(requestTimeoutMs),
      });
      if (!data && omitJobs && refusesReturnJobs(response.status, error)) {
        omitJobs = false;
        return send(batch);
      }
      if (!data) {
        if (response.status >= 500 || response.status === 429) outage.failed(`HTTP ${response.status} from /reports`);
        return oneByOne(batch);
      }
      outage.succeeded();
      for (const job of data.jobs) dispatch?.(job);
      batch.forEach((item, index) => {
        const result = data.results[index];
        if (result?.status === 200) {
          item.logger.info({ status: item.outcome.status, ...('error' in item.outcome && { error: item.outcome.error }) }, 'job reported');
        } else {
          // The lease moved on (expired, re-leased, cancelled): a newer attempt owns the job.
          item.logger.warn({ http_status: result?.status, problem: result?.problem, outcome: item.outcome }, 'report refused; dropping it');
        }
        item.settle();
      });
    } catch (error) {
      outage.failed(error);
      oneByOne(batch);
    }
  };

  // Each sender takes whatever queued while the others' requests were out: with two, the agent
  // keeps reporting (and leasing) while one request waits on the scheduler's commit.
  const drain = async () => {
    if (senders >= maxRequestsInFlight) return;
    senders++;
    // Jobs leased together tend to finish together: let the rest of this turn's outcomes join.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length) await send(queue.splice(0, maxReportsPerRequest));
    senders--;
  };

  return (job, outcome, logger, handlerReturned = () => true) =>
    new Promise<void>((settle) => {
      queue.push({ job, outcome, logger, handlerReturned, settle });
      void drain();
    });
}
