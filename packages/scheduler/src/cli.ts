// `foreman-scheduler`: parses the settings, starts, and stops cleanly on SIGTERM or SIGINT.
import { ConfigError, parseConfig, usage } from './config.js';
import { createLogger } from './logger.js';
import { startScheduler } from './main.js';

/** The longest a graceful shutdown may take before the process exits regardless. */
const shutdownDeadlineMs = 30_000;

export async function runCli(argv: string[]): Promise<void> {
  let config;
  try {
    config = parseConfig(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`foreman-scheduler: ${error.message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (!config) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const logger = createLogger(config.logLevel);
  const scheduler = await startScheduler(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // Requests get 10 s to finish; past this, something (a database that stopped answering, say)
    // holds the shutdown, and the process ends anyway.
    setTimeout(() => {
      logger.error({ deadline_ms: shutdownDeadlineMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, shutdownDeadlineMs).unref();
    scheduler.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
