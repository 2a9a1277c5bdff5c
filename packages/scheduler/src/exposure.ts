// Secure by default: without tokens the scheduler serves loopback only, unless told otherwise.
import { isIP } from 'node:net';
import { ConfigError, type SchedulerConfig } from './config.js';

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === '::1' || bare.startsWith('::ffff:127.');
}

export function hasTokens(config: SchedulerConfig): boolean {
  return config.tokensFile !== undefined || config.tokens !== undefined;
}

/** Throws when the scheduler would be open to the network without tokens and without --insecure. */
export function assertSafeExposure(config: SchedulerConfig): void {
  if (hasTokens(config) || config.insecure || isLoopback(config.host)) return;
  throw new ConfigError(
    `refusing to listen on ${config.host} without tokens: anyone who can reach it could enqueue, lease and cancel jobs.\n` +
      'Add tokens: run `foreman-scheduler token --name NAME --scopes producer,worker`, put the line it prints in a\n' +
      'tokens file ({"tokens":[...]}) and pass --tokens-file PATH (FOREMAN_TOKENS_FILE), or the same JSON in FOREMAN_TOKENS.\n' +
      'To serve a trusted network without tokens anyway, pass --insecure (FOREMAN_INSECURE=true).',
  );
}
