// Runs one leased job: heartbeats its lease from the moment it is leased, waits for a handler slot,
// validates its payload, enforces its timeout and reports its outcome.
import type { ForemanClient, Job, JobInput } from '@foreman/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { JobContext, JobDefinition } from './define-job.js';
import { startHeartbeat } from './heartbeat.js';
import type { HeartbeatSender } from './heartbeat-sender.js';
import type { HeartbeatTicker } from './heartbeat-ticker.js';
import { JobError, toFailure } from './job-error.js';
import type { OutageTracker } from './outage.js';
import type { Outcome, Reporter } from './reporter.js';
import type { Slots } from './slots.js';

export interface RunnerDeps {
  client: ForemanClient;
  logger: Logger;
  outage: OutageTracker;
  handlers: ReadonlyMap<string, JobDefinition>;
  report: Reporter;
  /** Heartbeats the job's lease, together with the other jobs' heartbeats due at the same time. */
  sendHeartbeat: HeartbeatSender;
  /** Times every held job's heartbeats, so that they fall due in rounds. */
  heartbeatTicker: HeartbeatTicker;
  /** Handlers running at once; a job leased ahead of a free one waits here. */
  handlerSlots: Slots;
  /** The scheduler asked this worker to drain (said in a heartbeat). */
  onDrain(): void;
}

export interface JobRun {
  readonly job: Job;
  /** Whether its handler has been given a slot (a job leased ahead may still be waiting for one). */
  readonly started: boolean;
  /** Settles once the outcome is known (the handler finished, or the job was cut short); its report may still be on its way. */
  readonly decided: Promise<void>;
  /** Settles once the outcome was accepted or refused by the scheduler, or deliberately not sent (lease lost). */
  readonly reported: Promise<void>;
  /** Settles once the handler has settled as well; only then is the job's slot free. */
  readonly done: Promise<void>;
  /** Ends the job now and reports it failed with `reason`; the handler sees `reason` on its signal. */
  abort(reason: JobError): void;
}

const failed = (error: JobError): Outcome => ({ status: 'failed', error: toFailure(error) });

export function runJob(job: Job, deps: RunnerDeps): JobRun {
  const logger = deps.logger.child({ job_id: job.id, type: job.type, attempt: job.attempt });
  const controller = new AbortController();
  let decided = false;
  let started = false;
  let timeout: NodeJS.Timeout | undefined;
  let settleOutcome!: (outcome: Outcome | undefined) => void;
  const outcome = new Promise<Outcome | undefined>((resolve) => {
    settleOutcome = resolve;
  });

  // The first word on the outcome wins: a handler that finishes after its timeout is not reported twice.
  const decide = (next: Outcome | undefined): boolean => {
    if (decided) return false;
    decided = true;
    clearTimeout(timeout);
    if (next === undefined) {
      heartbeat.stop();
      settleOutcome(next);
    } else {
      void heartbeat.finish().then(() => settleOutcome(next));
    }
    return true;
  };

  // Deciding before aborting keeps a handler that rejects at once on abort from replacing the reason.
  const abort = (reason: JobError, report: boolean) => {
    if (!decide(report ? failed(reason) : undefined)) return;
    logger.warn({ code: reason.code, reported: report }, `aborting job: ${reason.message}`);
    controller.abort(reason);
  };

  const heartbeat = startHeartbeat(job, {
    send: deps.sendHeartbeat,
    ticker: deps.heartbeatTicker,
    logger,
    outage: deps.outage,
    onCancelRequested: () => abort(new JobError('job cancelled', { code: 'cancelled', retryable: false }), true),
    onDrain: deps.onDrain,
    onLeaseLost: (status) =>
      abort(new JobError(`lease lost (HTTP ${status})`, { code: 'lease_lost', retryable: true }), false),
  });

  const ctx: JobContext = Object.freeze({
    signal: controller.signal,
    attempt: job.attempt,
    jobId: job.id,
    job,
    logger,
    progress(current: number, total?: number, message?: string) {
      if (!(Number.isFinite(current) && current >= 0)) throw new RangeError('progress: current must be a finite number >= 0');
      if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
        throw new RangeError('progress: total must be a finite number >= 0');
      }
      heartbeat.setProgress({
        current,
        ...(total !== undefined && { total }),
        ...(message !== undefined && { message: String(message).slice(0, 1024) }),
      });
    },
    async enqueue(input: Omit<JobInput, 'parent_id'>) {
      const { data, error, response } = await deps.client.POST('/jobs', {
        body: { ...input, parent_id: job.id },
        signal: controller.signal,
      });
      if (data) return data;
      throw new JobError(`enqueueing a child job failed with HTTP ${response.status}: ${JSON.stringify(error)}`, {
        code: 'enqueue_failed',
        retryable: response.status >= 500 || response.status === 429,
      });
    },
  });

  let handlerReturned = false;
  const handled = (async () => {
    const definition = deps.handlers.get(job.type);
    if (!definition) {
      // Only a scheduler ignoring our `types` gets here; another worker may have the handler.
      decide(failed(new JobError(`no handler for type ${job.type}`, { code: 'unknown_type', retryable: true })));
      return;
    }
    if (!(await deps.handlerSlots.acquire(controller.signal))) return;
    started = true;
    timeout = setTimeout(
      () => abort(new JobError(`timed out after ${job.timeout_ms} ms`, { code: 'timeout', retryable: true }), true),
      job.timeout_ms,
    );
    try {
      const parsed = definition.schema
        ? await definition.schema.safeParseAsync(job.payload)
        : ({ success: true, data: job.payload } as const);
      if (!parsed.success) {
        const message = `invalid payload: ${z.prettifyError(parsed.error)}`;
        decide(failed(new JobError(message, { code: 'invalid_payload', retryable: false })));
        return;
      }
      if (decided) return;
      logger.debug('job started');
      const result = await definition.handler(parsed.data, ctx);
      if (!decide(toCompleted(result))) logger.debug('handler finished after the job had already ended');
    } catch (error) {
      if (!decide({ status: 'failed', error: toFailure(error) })) {
        logger.debug({ err: error }, 'handler failed after the job had already ended');
      }
    } finally {
      deps.handlerSlots.release();
    }
  })().finally(() => {
    handlerReturned = true;
  });

  const reported = outcome.then((settled) => (settled ? deps.report(job, settled, logger, () => handlerReturned) : undefined));
  return {
    job,
    get started() {
      return started;
    },
    decided: outcome.then(() => undefined),
    reported,
    done: Promise.all([reported, handled]).then(() => undefined),
    abort: (reason) => abort(reason, true),
  };
}

// Round-tripping through JSON gives the scheduler exactly what it will store; undefined becomes null.
function toCompleted(result: unknown): Outcome {
  try {
    const text = JSON.stringify(result);
    return { status: 'completed', result: text === undefined ? null : JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failed(new JobError(`result is not JSON-serialisable: ${reason}`, { code: 'invalid_result', retryable: false }));
  }
}
