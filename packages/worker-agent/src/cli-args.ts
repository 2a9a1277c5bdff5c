// Turns foreman-agent's flags and FOREMAN_* environment variables into agent options, or a usage error.
import { parseArgs } from 'node:util';
import { DEFAULTS, LOG_LEVELS, type AgentOptions } from './config.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: foreman-agent [options]

Runs jobs leased from a Foreman scheduler. Flags win over environment variables.

  --url URL                  scheduler base URL            FOREMAN_URL (default ${DEFAULTS.url})
  --concurrency N            jobs run at once              FOREMAN_CONCURRENCY (default ${DEFAULTS.concurrency})
  --prefetch N               jobs leased ahead of a free slot, waiting on this agent
                                                           FOREMAN_PREFETCH (default ${DEFAULTS.prefetch})
  --worker-id ID             this worker's id              FOREMAN_WORKER_ID (default <hostname>-<pid>-<random>)
  --types a,b                lease only these job types    FOREMAN_TYPES (default: every type with a handler)
  --queues q1,q2             lease only from these queues  FOREMAN_QUEUES (default: any)
  --handlers ./jobs.js       ES module exporting defineJob definitions; repeatable  FOREMAN_HANDLERS
  --wait-ms MS               long-poll wait                FOREMAN_WAIT_MS (default ${DEFAULTS.waitMs})
  --shutdown-grace-ms MS     time running jobs get to finish on SIGTERM/SIGINT
                                                           FOREMAN_SHUTDOWN_GRACE_MS (default ${DEFAULTS.shutdownGraceMs})
  --file-root DIR            enable the built-in "file" job, confined to DIR  FOREMAN_FILE_ROOT
  --log-level LEVEL          ${LOG_LEVELS.join('|')}  FOREMAN_LOG_LEVEL (default ${DEFAULTS.logLevel})
  --token TOKEN              bearer token for the scheduler (prefer the environment variable)  FOREMAN_TOKEN
  --ca-file PATH             PEM CA certificate(s) to trust for an https:// scheduler URL      FOREMAN_CA_FILE
  -h, --help                 print this help

--types, --queues and --handlers may be repeated or comma-separated.
The built-in "http" and "sleep" jobs are always available.
`;

const FLAGS = {
  url: { type: 'string' },
  concurrency: { type: 'string' },
  prefetch: { type: 'string' },
  'worker-id': { type: 'string' },
  types: { type: 'string', multiple: true },
  queues: { type: 'string', multiple: true },
  handlers: { type: 'string', multiple: true },
  'wait-ms': { type: 'string' },
  'shutdown-grace-ms': { type: 'string' },
  'file-root': { type: 'string' },
  'log-level': { type: 'string' },
  token: { type: 'string' },
  'ca-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = Exclude<keyof typeof FLAGS, 'help'>;

export interface CliArgs {
  help: boolean;
  handlerPaths: string[];
  options: Omit<AgentOptions, 'handlers' | 'logger' | 'fetch'>;
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  const { values } = parseFlags(argv);
  if (values.help) return { help: true, handlerPaths: [], options: {} };

  const envName = (flag: Flag) => `FOREMAN_${flag.toUpperCase().replaceAll('-', '_')}`;
  const source = (flag: Flag) => (values[flag] === undefined ? envName(flag) : `--${flag}`);
  const fromEnv = (flag: Flag) => env[envName(flag)]?.trim() || undefined;

  const text = (flag: Flag): string | undefined => {
    const value = values[flag];
    return typeof value === 'string' ? value : fromEnv(flag);
  };
  const whole = (flag: Flag): number | undefined => {
    const raw = text(flag);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${source(flag)} must be a whole number, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const list = (flag: Flag): string[] | undefined => {
    const value = values[flag];
    const raw = Array.isArray(value) ? value : [fromEnv(flag)].filter((item) => item !== undefined);
    if (raw.length === 0) return undefined;
    const items = raw.flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
    if (items.length === 0) throw new UsageError(`${source(flag)} needs at least one name`);
    return [...new Set(items)];
  };

  const logLevel = text('log-level');
  if (logLevel !== undefined && !isLogLevel(logLevel)) {
    throw new UsageError(`${source('log-level')} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  return {
    help: false,
    handlerPaths: list('handlers') ?? [],
    options: {
      url: text('url'),
      concurrency: whole('concurrency'),
      prefetch: whole('prefetch'),
      workerId: text('worker-id'),
      types: list('types'),
      queues: list('queues'),
      waitMs: whole('wait-ms'),
      shutdownGraceMs: whole('shutdown-grace-ms'),
      fileRoot: text('file-root'),
      logLevel,
      token: text('token'),
      caFile: text('ca-file'),
    },
  };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function isLogLevel(value: string): value is (typeof LOG_LEVELS)[number] {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** The flag that sets an agent option, for error messages: `workerId` → `--worker-id`. */
export function flagFor(option: string): string {
  const key = option.split('.')[0] ?? option;
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
