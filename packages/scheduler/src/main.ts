// Starts the scheduler: opens the store, starts the background loops, serves HTTP.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve, type ServerType } from '@hono/node-server';
import type { SchedulerConfig } from './config.js';
import { readContract } from './contract.js';
import { createApp } from './http/app.js';
import { ShutdownGate } from './http/shutdown-gate.js';
import { JobService } from './job-service.js';
import { createLogger, type Logger } from './logger.js';
import { openStorage } from './store/open-store.js';
import { isPostgresUrl } from './store/postgres/open-postgres-store.js';

/** The database setting as it may be logged: a connection string loses its password. */
function withoutPassword(db: string): string {
  if (!isPostgresUrl(db)) return db;
  const url = new URL(db);
  if (url.password) url.password = '***';
  return url.toString();
}

/** How long requests in flight at shutdown may take before their connections are closed. */
const inFlightGraceMs = 10_000;

export interface RunningScheduler {
  /** The base URL it serves, e.g. `http://127.0.0.1:8080`. */
  url: string;
  service: JobService;
  /** Stops accepting, answers waiting long polls, finishes in-flight requests and closes the database. */
  close(): Promise<void>;
}

export async function startScheduler(config: SchedulerConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningScheduler> {
  const storage = await openStorage(config.db, { poolSize: config.dbPoolSize, timeoutMs: config.dbTimeoutMs });
  const service = new JobService({
    store: storage.store,
    feed: storage.feed,
    now: storage.now,
    sweepIntervalMs: config.sweepIntervalMs,
    onBackgroundError: (error) => logger.error({ err: error }, 'background loop failed; it will run again'),
  });
  await service.start();
  const shutdown = new ShutdownGate();
  const app = createApp({
    service,
    shutdown,
    contract: readContract(),
    maxBodyBytes: config.maxBodyBytes,
    logUnexpected: (error) => logger.error({ err: error }, 'request failed unexpectedly'),
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(listening));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, db: withoutPassword(config.db) }, 'foreman scheduler listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    service,
    close: () =>
      (closing ??= (async () => {
        shutdown.begin();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await service.stop();
        const http = server as Server;
        http.closeIdleConnections();
        const drained = await Promise.race([closed.then(() => true), sleep(inFlightGraceMs, false, { ref: false })]);
        if (!drained) {
          logger.warn({ grace_ms: inFlightGraceMs }, 'requests still in flight at shutdown; closing their connections');
          http.closeAllConnections();
          await closed;
        }
        await storage.close();
        logger.info('foreman scheduler stopped');
      })()),
  };
}
