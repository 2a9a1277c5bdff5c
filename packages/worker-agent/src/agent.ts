// createAgent: wires config, handlers, poller, job runs and reporter into an agent that starts and stops gracefully.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createForemanClient, type Job } from '@foreman/client';
import { agentInfo } from './agent-info.js';
import { ConfigError, parseAgentOptions, type AgentOptions } from './config.js';
import { JobError } from './job-error.js';
import { runJob, type JobRun } from './job-runner.js';
import { createLogger } from './logger.js';
import { createOutageTracker } from './outage.js';
import { poll } from './poller.js';
import { buildRegistry } from './registry.js';
import { createBatchReporter } from './batch-reporter.js';
import { createReporter } from './reporter.js';
import { createSlots } from './slots.js';
import { createHeartbeatSender } from './heartbeat-sender.js';
import { createHeartbeatTicker } from './heartbeat-ticker.js';
import { schedulerFetch } from './scheduler-fetch.js';

/** What a job cut short by the agent's stop is reported with: the scheduler runs it again without using an attempt. */
const shuttingDown = () => new JobError('agent shutting down', { code: 'shutdown', retryable: true });

/** After the grace period, how long a stopping agent keeps trying to deliver its last reports. */
export const SHUTDOWN_REPORT_DEADLINE_MS = 15_000;

export interface Agent {
  /** Starts polling; resolves once the first lease request is under way. */
  start(): Promise<void>;
  /**
   * Stops polling, lets running jobs finish within `shutdownGraceMs`, aborts the rest and reports them
   * failed with code `shutdown` (retryable), and resolves once every outcome is reported. Handlers that
   * ignore their abort signal are not waited for.
   */
  stop(): Promise<void>;
  /**
   * Resolves once the scheduler asked this worker to drain (`POST /workers/{id}/drain`) and the
   * agent, having stopped polling, finished and reported every job it was running. A `stop()`
   * during a drain gives the jobs still running `shutdownGraceMs` from then on, as any stop does.
   */
  readonly drained: Promise<void>;
  readonly workerId: string;
  /** Jobs held: leased and not yet reported, whether their handler runs, has settled, or waits for a slot. */
  readonly running: number;
}

function trustingFetch(caFile: string | undefined): ReturnType<typeof schedulerFetch> {
  try {
    return schedulerFetch({ caFile });
  } catch (error) {
    throw new ConfigError([{ option: 'caFile', message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` }]);
  }
}

export function createAgent(options: AgentOptions = {}): Agent {
  const config = parseAgentOptions(options);
  const handlers = buildRegistry(config);
  const types = config.types ?? [...handlers.keys()];
  if (types.length > 100) {
    throw new ConfigError([{ option: 'types', message: 'more than 100 handler types; name at most 100 in types' }]);
  }
  const logger = (config.logger ?? createLogger(config.logLevel)).child({ worker_id: config.workerId });
  const fetch = config.fetch ?? trustingFetch(config.caFile);
  const client = createForemanClient({ url: config.url, token: config.token, fetch });
  const outage = createOutageTracker(logger);
  // What the agent may hold (leased, not yet reported) and what it may run: the difference is
  // leased ahead, so that a finished job's successor is at hand instead of a round trip away.
  const slots = createSlots(config.concurrency + config.prefetch);
  const handlerSlots = createSlots(config.concurrency);
  const giveUpReports = new AbortController();
  // Every report in flight listens to it, one per job held: more than Node's default of 10 is expected.
  setMaxListeners(0, giveUpReports.signal);
  const runs = new Set<JobRun>();
  const stopPolling = new AbortController();
  let polling: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let askStop!: () => void;
  /** Settles at `stop()`: a drain, which lets jobs run as long as they need, is bounded from then on. */
  const stopAsked = new Promise<void>((resolve) => {
    askStop = resolve;
  });
  const lease = {
    worker_id: config.workerId,
    wait_ms: config.waitMs,
    types,
    ...(config.queues && { queues: config.queues }),
    agent: agentInfo(config.concurrency, config.prefetch),
  };
  let announceDrained!: () => void;
  const drained = new Promise<void>((resolve) => {
    announceDrained = resolve;
  });

  const sendHeartbeat = createHeartbeatSender(client, config.workerId);
  const heartbeatTicker = createHeartbeatTicker();
  // The slot stays taken until the outcome is reported too, so the scheduler never sees more than
  // `concurrency + prefetch` jobs running on this worker.
  const dispatch = (job: Job) => {
    slots.take();
    const run = runJob(job, { client, logger, outage, handlers, handlerSlots, report, sendHeartbeat, heartbeatTicker, onDrain: drain });
    runs.add(run);
    void run.done.then(() => {
      runs.delete(run);
      slots.release();
    });
    // A job leased by a report that was in flight when shutdown began goes straight back.
    if (stopPolling.signal.aborted) run.abort(shuttingDown());
  };

  const report = createBatchReporter({
    client,
    workerId: config.workerId,
    outage,
    single: createReporter({ client, workerId: config.workerId, outage, giveUp: giveUpReports.signal }),
    giveUp: giveUpReports.signal,
    leaseFor: (count) =>
      stopPolling.signal.aborted ? null : { max: count, types: lease.types, ...(lease.queues && { queues: lease.queues }), agent: lease.agent },
    dispatch,
  });

  /** `graceMs` null: running jobs are given all the time they need. */
  const shutdown = async (graceMs: number | null) => {
    logger.info({ running: slots.busy, grace_ms: graceMs ?? 'unbounded' }, 'agent stopping');
    stopPolling.abort();
    // Jobs leased ahead that have not started go back at once, to run on another worker.
    for (const run of runs) if (!run.started) run.abort(shuttingDown());
    await polling;
    // Until no new run appears: a report in flight may still bring jobs, which are handed back.
    const allRuns = async (until: (run: JobRun) => Promise<void>) => {
      for (let seen = new Set<JobRun>(); [...runs].some((run) => !seen.has(run)); ) {
        seen = new Set(runs);
        await Promise.all([...seen].map(until));
      }
    };
    const pending = () => allRuns((run) => run.reported);
    // The grace is the handlers' time; reports that wait for an unreachable scheduler get the deadline below.
    const grace = new AbortController();
    const graceElapsed = (ms: number) => sleep(ms, false, { signal: grace.signal }).catch(() => false);
    const finishedInTime = await Promise.race([
      allRuns((run) => run.decided).then(() => true),
      graceMs === null ? stopAsked.then(() => graceElapsed(config.shutdownGraceMs)) : graceElapsed(graceMs),
    ]);
    grace.abort();
    if (!finishedInTime) {
      for (const run of runs) run.abort(shuttingDown());
    }
    // With the scheduler unreachable, reports would retry forever and the agent would never exit.
    const deadline = new AbortController();
    const delivered = await Promise.race([
      pending().then(() => true),
      sleep(SHUTDOWN_REPORT_DEADLINE_MS, false, { signal: deadline.signal }).catch(() => false),
    ]);
    deadline.abort();
    if (!delivered) giveUpReports.abort();
    await pending();
    logger.info('agent stopped');
  };

  // An operator retires this machine: no more work, finish what runs, then exit.
  function drain(): void {
    if (stopping) return;
    logger.info({ running: slots.busy }, 'the scheduler asked this agent to drain');
    stopping = shutdown(null);
    void stopping.then(announceDrained);
  }

  return {
    workerId: config.workerId,
    drained,
    get running() {
      return slots.busy;
    },
    async start() {
      if (polling || stopping) throw new Error('agent already started');
      logger.info(
        { url: config.url, concurrency: config.concurrency, types, queues: config.queues ?? 'any' },
        'agent started',
      );
      polling = poll({
        client,
        logger,
        outage,
        slots,
        dispatch,
        onDrain: drain,
        signal: stopPolling.signal,
        lease,
      });
    },
    stop() {
      askStop();
      stopping ??= shutdown(config.shutdownGraceMs);
      return stopping;
    },
  };
}
