// Structured JSON logs; human-readable lines instead when a person watches the terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Lines are written synchronously. pino's default writes in the background and, at process.exit,
 * flushes what is left with a synchronous write that retries forever once nothing reads stdout
 * (a log collector that died): the process would never exit.
 */
export function createLogger(level: string, { pretty: prettyOutput = process.stdout.isTTY === true } = {}): Logger {
  const options = { name: 'foreman-scheduler', level };
  return prettyOutput ? pino(options, pretty({ colorize: true, sync: true })) : pino(options, pino.destination({ dest: 1, sync: true }));
}
