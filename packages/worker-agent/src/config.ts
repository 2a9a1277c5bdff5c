// The agent's options: one zod schema over exported defaults, parsed once into a frozen config.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { maxNameLength, namePattern } from '@foreman/client';
import { z } from 'zod';
import { isJobDefinition, type JobDefinition } from './define-job.js';

export const DEFAULTS = Object.freeze({
  url: 'http://127.0.0.1:8080',
  concurrency: 10,
  prefetch: 0,
  waitMs: 30_000,
  shutdownGraceMs: 10_000,
  logLevel: 'info' as const,
});

/** `${hostname}-${pid}` plus a random suffix, so a restarted agent with a reused pid is still a new worker. */
export function defaultWorkerId(): string {
  const suffix = `-${process.pid}-${randomBytes(3).toString('hex')}`;
  return hostname().slice(0, 128 - suffix.length) + suffix;
}

const names = (what: string) =>
  z
    .array(z.string().min(1).max(maxNameLength).regex(namePattern, `each ${what} must be made of A-Z a-z 0-9 _ . : -`))
    .min(1)
    .max(100);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type FetchLike = (input: Request) => Promise<Response>;

export const agentOptionsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULTS.url),
  concurrency: z.int().min(1).max(10_000).default(DEFAULTS.concurrency),
  /**
   * Jobs leased beyond `concurrency`, waiting on the agent (their leases kept alive) for a free
   * slot, so that a finished job's successor starts at once. Each counts as running on the
   * scheduler while it waits; keep it small when jobs are long, or idle workers elsewhere wait.
   */
  prefetch: z.int().min(0).max(1_000).default(DEFAULTS.prefetch),
  workerId: z.string().min(1).max(128).default(defaultWorkerId),
  handlers: z
    .array(z.custom<JobDefinition>(isJobDefinition, 'must be a job definition made with defineJob'))
    .default(() => []),
  /** Lease only these types; absent means every type the agent has a handler for. */
  types: names('type').optional(),
  /** Lease only from these queues; absent means any. */
  queues: names('queue').optional(),
  /** An idle agent polls again as soon as a poll ends: a shorter wait would make it spin. */
  waitMs: z.int().min(100, 'must be at least 100 (ms)').max(60_000).default(DEFAULTS.waitMs),
  shutdownGraceMs: z.int().min(0).max(86_400_000).default(DEFAULTS.shutdownGraceMs),
  /** Registers the built-in `file` handler, confined to this directory. */
  fileRoot: z.string().min(1).optional(),
  /** Ignored when `logger` is given. */
  logLevel: z.enum(LOG_LEVELS).default(DEFAULTS.logLevel),
  logger: z
    .custom<Logger>((value) => typeof (value as { child?: unknown } | null)?.child === 'function', 'must be a pino logger')
    .optional(),
  /**
   * Sent as `Authorization: Bearer <token>` with every request to the scheduler. An empty one
   * counts as none, so that `token: process.env.FOREMAN_TOKEN` means the same as the CLI's variable.
   */
  token: z.preprocess((value) => (value === '' ? undefined : value), z.string().optional()),
  /** PEM file of the CA that issued the scheduler's HTTPS certificate, when it is a private one. */
  caFile: z.string().min(1).optional(),
  /** Used for every request to the scheduler (not by the http handler). */
  fetch: z.custom<FetchLike>((value) => typeof value === 'function', 'must be a fetch function').optional(),
});

export type AgentOptions = z.input<typeof agentOptionsSchema>;
export type AgentConfig = Readonly<z.output<typeof agentOptionsSchema>>;

/** Invalid options, each issue naming the option it is about. */
export class ConfigError extends Error {
  constructor(readonly issues: ReadonlyArray<{ option: string; message: string }>) {
    super(`invalid agent options: ${issues.map((issue) => `${issue.option}: ${issue.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function parseAgentOptions(options: AgentOptions): AgentConfig {
  const parsed = agentOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ option: issue.path.map(String).join('.') || '(options)', message: issue.message })),
    );
  }
  return Object.freeze(parsed.data);
}
