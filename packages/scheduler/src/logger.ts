// Structured JSON logs; human-readable lines instead when a person watches the terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(level: string, { pretty: prettyOutput = process.stdout.isTTY === true } = {}): Logger {
  const options = { name: 'foreman-scheduler', level };
  return prettyOutput ? pino(options, pretty({ colorize: true, sync: true })) : pino(options);
}
