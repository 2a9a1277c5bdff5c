// `foreman-scheduler`: parses the settings, starts, and stops cleanly on SIGTERM or SIGINT;
// `foreman-scheduler token` makes a token.
import { ConfigError, parseConfig, usage } from './config.js';
import { createLogger } from './logger.js';
import { startScheduler, StartupError } from './main.js';
import { mintToken, printMintedToken, tokenUsage } from './token-command.js';

/** Says what is wrong and where help is, without burying it under the whole usage text. */
function refuse(error: unknown, helpCommand: string): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`foreman-scheduler: ${error.message}\nRun '${helpCommand}' for usage.\n`);
  process.exit(2);
}

function runTokenCommand(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${tokenUsage}\n`);
    return;
  }
  try {
    process.stdout.write(`${printMintedToken(mintToken(argv))}\n`);
  } catch (error) {
    refuse(error, 'foreman-scheduler token --help');
  }
}

/** The longest a graceful shutdown may take before the process exits regardless. */
const shutdownDeadlineMs = 30_000;

export async function runCli(argv: string[]): Promise<void> {
  if (argv[0] === 'token') return runTokenCommand(argv.slice(1));
  let config;
  try {
    config = parseConfig(argv);
  } catch (error) {
    refuse(error, 'foreman-scheduler --help');
  }
  if (!config) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const logger = createLogger(config.logLevel);
  const scheduler = await startScheduler(config, logger).catch((error: unknown) => {
    // 2 for settings that are wrong in themselves, 1 for what they name failing here.
    if (!(error instanceof StartupError)) refuse(error, 'foreman-scheduler --help');
    process.stderr.write(`foreman-scheduler: ${error.message}\n`);
    process.exit(1);
  });
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    // A second signal: the operator will not wait. Every 2xx already sent is durable, so exiting is safe.
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal; exiting before the shutdown finished');
      process.exit(1);
    }
    shuttingDown = true;
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
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
