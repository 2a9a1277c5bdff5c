// The scheduler's settings: flags over environment variables over these defaults, validated once.
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const defaults = {
  host: '127.0.0.1',
  port: 8080,
  db: './data/foreman.db',
  sweepIntervalMs: 1000,
  maxBodyBytes: 1024 * 1024,
  dbPoolSize: 10,
  dbTimeoutMs: 10_000,
  logLevel: 'info',
  retainCompletedDays: 7,
  retainFailedDays: 30,
  retentionBatchSize: 200,
  retentionIntervalMs: 60_000,
} as const;

const configSchema = z.strictObject({
  host: z.string().min(1),
  port: z.coerce.number().pipe(z.int().min(0).max(65_535)),
  db: z.string().min(1),
  sweepIntervalMs: z.coerce.number().pipe(z.int().min(10).max(3_600_000)),
  maxBodyBytes: z.coerce.number().pipe(z.int().min(1024).max(1024 * 1024 * 1024)),
  dbPoolSize: z.coerce.number().pipe(z.int().min(1).max(1000)),
  dbTimeoutMs: z.coerce.number().pipe(z.int().min(100).max(600_000)),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  retainCompletedDays: z.coerce.number().pipe(z.int().min(0).max(36_500)),
  retainFailedDays: z.coerce.number().pipe(z.int().min(0).max(36_500)),
  retentionBatchSize: z.coerce.number().pipe(z.int().min(1).max(10_000)),
  retentionIntervalMs: z.coerce.number().pipe(z.int().min(10).max(86_400_000)),
});

export type SchedulerConfig = Readonly<z.output<typeof configSchema>>;

/** Each setting's flag and environment variable. */
export const sources = {
  host: { flag: 'host', env: 'FOREMAN_HOST' },
  port: { flag: 'port', env: 'FOREMAN_PORT' },
  db: { flag: 'db', env: 'FOREMAN_DB' },
  sweepIntervalMs: { flag: 'sweep-interval-ms', env: 'FOREMAN_SWEEP_INTERVAL_MS' },
  maxBodyBytes: { flag: 'max-body-bytes', env: 'FOREMAN_MAX_BODY_BYTES' },
  dbPoolSize: { flag: 'db-pool-size', env: 'FOREMAN_DB_POOL_SIZE' },
  dbTimeoutMs: { flag: 'db-timeout-ms', env: 'FOREMAN_DB_TIMEOUT_MS' },
  logLevel: { flag: 'log-level', env: 'FOREMAN_LOG_LEVEL' },
  retainCompletedDays: { flag: 'retain-completed-days', env: 'FOREMAN_RETAIN_COMPLETED_DAYS' },
  retainFailedDays: { flag: 'retain-failed-days', env: 'FOREMAN_RETAIN_FAILED_DAYS' },
  retentionBatchSize: { flag: 'retention-batch-size', env: 'FOREMAN_RETENTION_BATCH_SIZE' },
  retentionIntervalMs: { flag: 'retention-interval-ms', env: 'FOREMAN_RETENTION_INTERVAL_MS' },
} as const satisfies Record<keyof SchedulerConfig, { flag: string; env: string }>;

export const usage = `Usage: foreman-scheduler [options]

Options (each also set by its environment variable):
  --host HOST                 FOREMAN_HOST                   address to listen on (default ${defaults.host})
  --port PORT                 FOREMAN_PORT                   port to listen on, 0 for any free one (default ${defaults.port})
  --db PATH|URL               FOREMAN_DB                     SQLite database file, or a postgres:// URL (default ${defaults.db})
  --sweep-interval-ms MS      FOREMAN_SWEEP_INTERVAL_MS      how often expired leases are looked for (default ${defaults.sweepIntervalMs})
  --max-body-bytes BYTES      FOREMAN_MAX_BODY_BYTES         largest request body accepted (default ${defaults.maxBodyBytes})
  --db-pool-size N            FOREMAN_DB_POOL_SIZE           PostgreSQL connections per scheduler (default ${defaults.dbPoolSize})
  --db-timeout-ms MS          FOREMAN_DB_TIMEOUT_MS          longest wait for a PostgreSQL connection or query before
                                                             the request is answered 503 (default ${defaults.dbTimeoutMs})
  --log-level LEVEL           FOREMAN_LOG_LEVEL              trace, debug, info, warn, error, fatal or silent (default ${defaults.logLevel})
  --retain-completed-days N   FOREMAN_RETAIN_COMPLETED_DAYS  days completed jobs are kept, 0 forever (default ${defaults.retainCompletedDays})
  --retain-failed-days N      FOREMAN_RETAIN_FAILED_DAYS     days failed and cancelled jobs are kept, 0 forever (default ${defaults.retainFailedDays})
  --retention-batch-size N    FOREMAN_RETENTION_BATCH_SIZE   jobs deleted per transaction (default ${defaults.retentionBatchSize})
  --retention-interval-ms MS  FOREMAN_RETENTION_INTERVAL_MS  how often old jobs are looked for (default ${defaults.retentionIntervalMs})
  -h, --help                  print this help`;

export class ConfigError extends Error {}

/** Returns the settings, or null when help was asked for. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): SchedulerConfig | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.values(sources).map(({ flag }) => [flag, { type: 'string' as const }]));
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return null;
  const raw = Object.fromEntries(
    Object.entries(sources).map(([key, { flag, env: name }]) => [key, values[flag] ?? env[name] ?? defaults[key as keyof typeof defaults]]),
  );
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const source = sources[issue.path[0] as keyof typeof sources];
      return `--${source.flag} (${source.env}): ${issue.message}`;
    });
    throw new ConfigError(problems.join('\n'));
  }
  return Object.freeze(parsed.data);
}
