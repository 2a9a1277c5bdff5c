// The scheduler's settings: flags over environment variables over these defaults, validated once.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { databaseLocation, UnsupportedDatabaseError } from './store/database-url.js';

export const defaults = {
  host: '127.0.0.1',
  port: 8080,
  db: './data/foreman.db',
  sweepIntervalMs: 1000,
  maxBodyBytes: 1024 * 1024,
  maxPayloadBytes: 256 * 1024,
  dbPoolSize: 10,
  dbTimeoutMs: 10_000,
  logLevel: 'info',
  retainCompletedDays: 7,
  retainFailedDays: 30,
  retentionBatchSize: 200,
  retentionIntervalMs: 60_000,
  insecure: false,
  rateLimit: 0,
  maxPollsPerClient: 1000,
  requestTimeoutMs: 60_000,
} as const;

const optionalPath = z.string().min(1).optional();
/** Plain decimal: coercion would also read `0x10` as 16, `1e3` as 1000 and a blank value as 0. */
const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const number = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return decimal.test(text) ? Number(text) : Number.NaN;
}, z.number({ error: 'must be a number' }));
const between = (schema: z.ZodNumber, min: number, max: number) => schema.min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` });
const wholeNumber = (min: number, max: number) => number.pipe(between(z.int({ error: 'must be a whole number' }), min, max));

const configSchema = z
  .strictObject({
    host: z.string().min(1),
    port: wholeNumber(0, 65_535),
    db: z.string().check((ctx) => {
      if (ctx.value.trim() === '') {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: 'must name a SQLite file or a postgres:// URL' });
        return;
      }
      try {
        databaseLocation(ctx.value);
      } catch (error) {
        if (!(error instanceof UnsupportedDatabaseError)) throw error;
        ctx.issues.push({ code: 'custom', input: ctx.value, message: error.message });
      }
    }),
    sweepIntervalMs: wholeNumber(10, 3_600_000),
    maxBodyBytes: wholeNumber(1024, 1024 * 1024 * 1024),
    maxPayloadBytes: wholeNumber(2, 1024 * 1024 * 1024),
    dbPoolSize: wholeNumber(1, 1000),
    dbTimeoutMs: wholeNumber(100, 600_000),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    retainCompletedDays: wholeNumber(0, 36_500),
    retainFailedDays: wholeNumber(0, 36_500),
    retentionBatchSize: wholeNumber(1, 10_000),
    retentionIntervalMs: wholeNumber(10, 86_400_000),
    tokensFile: optionalPath,
    tokens: z.string().min(1).optional(),
    insecure: z.union([z.boolean(), z.stringbool()]),
    tlsCert: optionalPath,
    tlsKey: optionalPath,
    rateLimit: number.pipe(between(z.number(), 0, 1_000_000)),
    rateLimitBurst: wholeNumber(1, 10_000_000).optional(),
    maxPollsPerClient: wholeNumber(1, 1_000_000),
    requestTimeoutMs: wholeNumber(1000, 3_600_000),
  })
  .refine((config) => (config.tlsCert === undefined) === (config.tlsKey === undefined), {
    message: 'give both --tls-cert and --tls-key, or neither',
    path: ['tlsCert'],
  })
  // A payload travels inside a request body: a payload limit above the body limit could never be used.
  .refine((config) => config.maxPayloadBytes <= config.maxBodyBytes, {
    message: 'must not exceed --max-body-bytes (FOREMAN_MAX_BODY_BYTES): raise that too',
    path: ['maxPayloadBytes'],
  });

export type SchedulerConfig = Readonly<z.output<typeof configSchema>>;

/** Each setting's flag and environment variable. */
export const sources = {
  host: { flag: 'host', env: 'FOREMAN_HOST' },
  port: { flag: 'port', env: 'FOREMAN_PORT' },
  db: { flag: 'db', env: 'FOREMAN_DB' },
  sweepIntervalMs: { flag: 'sweep-interval-ms', env: 'FOREMAN_SWEEP_INTERVAL_MS' },
  maxBodyBytes: { flag: 'max-body-bytes', env: 'FOREMAN_MAX_BODY_BYTES' },
  maxPayloadBytes: { flag: 'max-payload-bytes', env: 'FOREMAN_MAX_PAYLOAD_BYTES' },
  dbPoolSize: { flag: 'db-pool-size', env: 'FOREMAN_DB_POOL_SIZE' },
  dbTimeoutMs: { flag: 'db-timeout-ms', env: 'FOREMAN_DB_TIMEOUT_MS' },
  logLevel: { flag: 'log-level', env: 'FOREMAN_LOG_LEVEL' },
  retainCompletedDays: { flag: 'retain-completed-days', env: 'FOREMAN_RETAIN_COMPLETED_DAYS' },
  retainFailedDays: { flag: 'retain-failed-days', env: 'FOREMAN_RETAIN_FAILED_DAYS' },
  retentionBatchSize: { flag: 'retention-batch-size', env: 'FOREMAN_RETENTION_BATCH_SIZE' },
  retentionIntervalMs: { flag: 'retention-interval-ms', env: 'FOREMAN_RETENTION_INTERVAL_MS' },
  tokensFile: { flag: 'tokens-file', env: 'FOREMAN_TOKENS_FILE' },
  tokens: { flag: 'tokens', env: 'FOREMAN_TOKENS' },
  insecure: { flag: 'insecure', env: 'FOREMAN_INSECURE', boolean: true },
  tlsCert: { flag: 'tls-cert', env: 'FOREMAN_TLS_CERT' },
  tlsKey: { flag: 'tls-key', env: 'FOREMAN_TLS_KEY' },
  rateLimit: { flag: 'rate-limit', env: 'FOREMAN_RATE_LIMIT' },
  rateLimitBurst: { flag: 'rate-limit-burst', env: 'FOREMAN_RATE_LIMIT_BURST' },
  maxPollsPerClient: { flag: 'max-polls-per-client', env: 'FOREMAN_MAX_POLLS_PER_CLIENT' },
  requestTimeoutMs: { flag: 'request-timeout-ms', env: 'FOREMAN_REQUEST_TIMEOUT_MS' },
} as const satisfies Record<keyof SchedulerConfig, { flag: string; env: string; boolean?: true }>;

export const usage = `Usage: foreman-scheduler [options]

Options (each also set by its environment variable):
  --host HOST                  FOREMAN_HOST                   address to listen on (default ${defaults.host})
  --port PORT                  FOREMAN_PORT                   port to listen on, 0 for any free one (default ${defaults.port})
  --db PATH|URL                FOREMAN_DB                     SQLite database file (a path, file: or sqlite: URL), or a
                                                              postgres:// URL (default ${defaults.db})
  --sweep-interval-ms MS       FOREMAN_SWEEP_INTERVAL_MS      how often expired leases are looked for (default ${defaults.sweepIntervalMs})
  --max-body-bytes BYTES       FOREMAN_MAX_BODY_BYTES         largest request body accepted (default ${defaults.maxBodyBytes})
  --max-payload-bytes BYTES    FOREMAN_MAX_PAYLOAD_BYTES      largest payload of one job, as JSON (default ${defaults.maxPayloadBytes}, at most the body limit)
  --db-pool-size N             FOREMAN_DB_POOL_SIZE           PostgreSQL connections per scheduler (default ${defaults.dbPoolSize})
  --db-timeout-ms MS           FOREMAN_DB_TIMEOUT_MS          longest wait for a PostgreSQL connection or query before
                                                              the request is answered 503 (default ${defaults.dbTimeoutMs})
  --log-level LEVEL            FOREMAN_LOG_LEVEL              trace, debug, info, warn, error, fatal or silent (default ${defaults.logLevel})
  --retain-completed-days N    FOREMAN_RETAIN_COMPLETED_DAYS  days completed jobs are kept, 0 forever (default ${defaults.retainCompletedDays})
  --retain-failed-days N       FOREMAN_RETAIN_FAILED_DAYS     days failed and cancelled jobs are kept, 0 forever (default ${defaults.retainFailedDays})
  --retention-batch-size N     FOREMAN_RETENTION_BATCH_SIZE   jobs deleted per transaction (default ${defaults.retentionBatchSize})
  --retention-interval-ms MS   FOREMAN_RETENTION_INTERVAL_MS  how often old jobs are looked for (default ${defaults.retentionIntervalMs})

Security:
  --tokens-file PATH           FOREMAN_TOKENS_FILE            JSON file of accepted tokens (their SHA-256, name, scopes);
                                                              re-read when it changes
  --tokens JSON                FOREMAN_TOKENS                 the same document inline
  --insecure                   FOREMAN_INSECURE               allow listening beyond loopback without tokens
  --tls-cert PATH              FOREMAN_TLS_CERT               PEM certificate (chain): serve HTTPS; needs --tls-key
  --tls-key PATH               FOREMAN_TLS_KEY                PEM private key of the certificate
  --rate-limit N               FOREMAN_RATE_LIMIT             requests per second per token, 0 for no limit (default ${defaults.rateLimit})
  --rate-limit-burst N         FOREMAN_RATE_LIMIT_BURST       requests a token may make at once (default twice --rate-limit)
  --max-polls-per-client N     FOREMAN_MAX_POLLS_PER_CLIENT   long polls one token (or address, without tokens) may hold
                                                              open at once (default ${defaults.maxPollsPerClient})
  --request-timeout-ms MS      FOREMAN_REQUEST_TIMEOUT_MS     time a client has to send a whole request (default ${defaults.requestTimeoutMs})

  -h, --help                   print this help

Commands:
  foreman-scheduler token --name NAME --scopes SCOPES [--worker-ids IDS]
                               makes a new token and prints it with its line for the tokens file`;

export class ConfigError extends Error {}

/** Returns the settings, or null when help was asked for. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): SchedulerConfig | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.values(sources).map((source) => [source.flag, { type: 'boolean' in source ? ('boolean' as const) : ('string' as const) }]),
    );
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return null;
  // An empty variable (`FOREMAN_INSECURE=` in a compose file) is an unset one, as for the agent.
  const fromEnv = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const given = (key: keyof typeof sources) => values[sources[key].flag] ?? fromEnv(sources[key].env);
  const raw = Object.fromEntries(Object.keys(sources).map((key) => [key, given(key as keyof typeof sources) ?? defaults[key as keyof typeof defaults]]));
  // A lowered body limit lowers the default payload limit with it; a payload limit given above it is refused.
  const bodyLimit = Number(raw.maxBodyBytes);
  if (given('maxPayloadBytes') === undefined && Number.isFinite(bodyLimit)) raw.maxPayloadBytes = Math.min(defaults.maxPayloadBytes, bodyLimit);
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
