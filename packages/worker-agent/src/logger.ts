// The agent's logs: structured JSON, or human-readable lines when a person watches the terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Lines are written synchronously. pino's default writes in the background and, at process.exit,
 * flushes what is left with a synchronous write that retries forever once nothing reads stdout
 * (a log collector that died): the process would never exit.
 */
export function createLogger(level: string): Logger {
  const options = { name: 'foreman-agent', level };
  return process.stdout.isTTY ? pino(options, pretty({ colorize: true, sync: true })) : pino(options, pino.destination({ dest: 1, sync: true }));
}
