// Starts the scheduler: opens the store, starts the background loops, serves HTTP.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapStatistics } from 'node:v8';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, type SchedulerConfig } from './config.js';
import { readContract } from './contract.js';
import { assertSafeExposure, isLoopback } from './exposure.js';
import { createApp, createStartingApp } from './http/app.js';
import { TokenListError } from './http/auth/token-list.js';
import { TokenRegistry } from './http/auth/token-registry.js';
import { answerClientErrors } from './http/client-errors.js';
import { Readiness } from './http/readiness.js';
import { ShutdownGate } from './http/shutdown-gate.js';
import { JobService } from './job-service.js';
import { createLogger, type Logger } from './logger.js';
import { RetentionSweeper } from './loops/retention-sweeper.js';
import { WorkerDrains } from './loops/worker-drains.js';
import { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import { openStorage } from './store/open-store.js';
import { UnavailabilityLog } from './store/unavailability-log.js';
import { databaseLocation } from './store/database-url.js';

/** Where a connection string may carry a secret: `user:password@`, or `?password=` as the driver also reads it. */
const secretParameters = ['password', 'sslpassword'];

/** The database setting as it may be logged: a connection string loses its passwords. */
function withoutPassword(db: string): string {
  if (databaseLocation(db).kind === 'sqlite') return db;
  let url: URL;
  try {
    url = new URL(db);
  } catch {
    return 'postgres://(a connection string that is not a URL)';
  }
  if (url.password) url.password = '***';
  for (const name of secretParameters) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
  return url.toString();
}

/**
 * Settings that parse but name something this machine cannot give: a database that cannot be
 * opened, a port already taken. Said in one line naming the setting, without a stack trace.
 */
export class StartupError extends Error {}

/** An error's own words: a failed connection to every address of a host says nothing itself. */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return [...new Set(error.errors.map(reasonOf))].join('; ');
  return error instanceof Error ? error.message || String((error as { code?: unknown }).code ?? error.name) : String(error);
}

/** How long requests in flight at shutdown may take before their connections are closed. */
const inFlightGraceMs = 10_000;
/** How often connections that turned idle during shutdown are looked for. */
const idleSweepMs = 50;

export interface RunningScheduler {
  /** The base URL it serves, e.g. `http://127.0.0.1:8080`. */
  url: string;
  service: JobService;
  /** Stops accepting, answers waiting long polls, finishes in-flight requests and closes the database. */
  close(): Promise<void>;
}

function openTokens(config: SchedulerConfig, logger: Logger): TokenRegistry | null {
  try {
    return TokenRegistry.open(
      { file: config.tokensFile, inline: config.tokens },
      {
        reloaded: (count) => logger.info({ tokens_file: config.tokensFile, tokens: count }, 'tokens file reloaded'),
        reloadFailed: (error) => logger.error({ err: error, tokens_file: config.tokensFile }, 'tokens file could not be reloaded; the tokens read before stay in force'),
      },
    );
  } catch (error) {
    if (error instanceof TokenListError) throw new ConfigError(error.message);
    throw error;
  }
}

function readTlsFile(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${setting}: ${path}: cannot be read: ${(error as Error).message}`);
  }
}

/** The certificate and key, refused at start when either cannot be read or they are no usable pair. */
function readTls(config: SchedulerConfig): { cert: Buffer; key: Buffer } | null {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return null;
  const cert = readTlsFile(config.tlsCert, '--tls-cert (FOREMAN_TLS_CERT)');
  const key = readTlsFile(config.tlsKey, '--tls-key (FOREMAN_TLS_KEY)');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(`--tls-cert and --tls-key (FOREMAN_TLS_CERT, FOREMAN_TLS_KEY): not a usable certificate and private key: ${(error as Error).message}`);
  }
  return { cert, key };
}

export async function startScheduler(config: SchedulerConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningScheduler> {
  assertSafeExposure(config);
  const tls = readTls(config);
  const tokens = openTokens(config, logger);
  if (!tokens && config.rateLimit > 0) {
    logger.warn({ rate_limit: config.rateLimit }, '--rate-limit counts requests per token, and no tokens are configured: it limits nothing');
  }
  if (!tokens && !isLoopback(config.host)) {
    logger.warn({ host: config.host }, 'listening beyond loopback without tokens (--insecure): anyone who can reach this port can use every route');
  }
  const metrics = new SchedulerMetrics();
  const readiness = new Readiness();
  // The port opens before the database does, so that probes see a migration as "not ready"
  // rather than as a refused connection; the API answers 503 until the store is open.
  // The node server passes its own bindings (the raw request and response) along: client
  // addresses for the poll limit are read from them.
  let handle: (request: Request, bindings: unknown) => Response | Promise<Response> = createStartingApp({ logger, metrics, readiness, tokens }).fetch;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listen = { fetch: (request: Request, bindings: unknown) => handle(request, bindings), hostname: config.host, port: config.port };
    // A client trickling its request (slowloris) is cut off; a long poll waits only once its request is whole.
    const timeouts = {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.requestTimeoutMs / 2)),
    };
    const listening = tls
      ? serve({ ...listen, createServer: createHttpsServer, serverOptions: { ...tls, ...timeouts } }, () => resolve(listening))
      : serve({ ...listen, serverOptions: timeouts }, () => resolve(listening));
    listening.once('error', (error) => reject(new StartupError(`--host ${config.host} --port ${config.port}: ${reasonOf(error)}`, { cause: error })));
    answerClientErrors(listening as Server);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url }, 'foreman scheduler opening the database');

  const onBackgroundError = (error: unknown) => logger.error({ err: error }, 'background loop failed; it will run again');
  const unavailability = new UnavailabilityLog(logger);
  let storage;
  try {
    storage = await openStorage(config.db, {
      postgres: { poolSize: config.dbPoolSize, timeoutMs: config.dbTimeoutMs },
      observeTransaction: (outcome, seconds, error) => {
        metrics.observeTransaction(outcome, seconds);
        unavailability.observe(outcome, error);
      },
    });
  } catch (error) {
    tokens?.close();
    await new Promise((resolve) => server.close(resolve));
    throw new StartupError(`--db ${withoutPassword(config.db)}: ${reasonOf(error)}`, { cause: error });
  }
  const service = new JobService({
    store: storage.store,
    feed: storage.feed,
    now: storage.now,
    sweepIntervalMs: config.sweepIntervalMs,
    onBackgroundError,
    observer: metrics,
  });
  await service.start();
  const drains = new WorkerDrains(storage.store, service.now, config.sweepIntervalMs, onBackgroundError);
  await drains.start();
  const retention = new RetentionSweeper(
    storage.store,
    service.now,
    { completedDays: config.retainCompletedDays, failedDays: config.retainFailedDays, batchSize: config.retentionBatchSize, intervalMs: config.retentionIntervalMs },
    (count) => logger.info({ deleted_jobs: count }, 'deleted jobs past their retention'),
    onBackgroundError,
  );
  retention.start();
  metrics.attach({ readStats: () => service.getStats(), longPollsWaiting: () => service.waiters.waiting, now: service.now });
  const shutdown = new ShutdownGate();
  const app = createApp({
    service,
    drains,
    shutdown,
    contract: readContract(),
    maxBodyBytes: config.maxBodyBytes,
    maxPayloadBytes: config.maxPayloadBytes,
    tokens,
    rateLimit: config.rateLimit > 0 ? { perSecond: config.rateLimit, burst: config.rateLimitBurst ?? Math.max(1, Math.ceil(2 * config.rateLimit)) } : null,
    maxPollsPerClient: config.maxPollsPerClient,
    logger,
    metrics,
    readiness,
  });
  handle = app.fetch;
  const store = storage.store;
  readiness.serving(() => store.ping());
  logger.info(
    { url, db: withoutPassword(config.db), authentication: tokens ? 'tokens' : 'none', heap_limit_mb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20) },
    'foreman scheduler listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    service,
    close: () =>
      (closing ??= (async () => {
        readiness.shuttingDown();
        shutdown.begin();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([service.stop(), drains.stop(), retention.stop()]);
        const http = server as Server;
        // Connections whose request finishes from now on turn idle; close each as soon as it does,
        // rather than after the keep-alive timeout.
        http.closeIdleConnections();
        const closeIdle = setInterval(() => http.closeIdleConnections(), idleSweepMs);
        const drained = await Promise.race([closed.then(() => true), sleep(inFlightGraceMs, false, { ref: false })]);
        clearInterval(closeIdle);
        if (!drained) {
          logger.warn({ grace_ms: inFlightGraceMs }, 'requests still in flight at shutdown; closing their connections');
          http.closeAllConnections();
          await closed;
        }
        await storage.close();
        tokens?.close();
        logger.info('foreman scheduler stopped');
      })()),
  };
}
