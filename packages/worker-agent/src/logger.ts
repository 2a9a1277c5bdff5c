// The agent's logs: structured JSON, or human-readable lines when a person watches the terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export function createLogger(level: string): Logger {
  const options = { name: 'foreman-agent', level };
  return process.stdout.isTTY ? pino(options, pretty({ colorize: true, sync: true })) : pino(options);
}
