import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { assertSafeExposure, isLoopback } from './exposure.js';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'scheduler.internal', '128.0.0.1'])('%s is not', (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});

describe('assertSafeExposure', () => {
  const config = (...flags: string[]) => parseConfig(flags, {})!;

  it('refuses an address beyond loopback without tokens', () => {
    expect(() => assertSafeExposure(config('--host', '0.0.0.0'))).toThrow(ConfigError);
  });

  it('allows it with tokens, or with --insecure (flag or FOREMAN_INSECURE)', () => {
    expect(() => assertSafeExposure(config('--host', '0.0.0.0', '--tokens-file', '/etc/foreman/tokens.json'))).not.toThrow();
    expect(() => assertSafeExposure(config('--host', '0.0.0.0', '--insecure'))).not.toThrow();
    expect(() => assertSafeExposure(parseConfig(['--host', '0.0.0.0'], { FOREMAN_INSECURE: 'true' })!)).not.toThrow();
    expect(() => assertSafeExposure(parseConfig(['--host', '0.0.0.0'], { FOREMAN_INSECURE: 'false' })!)).toThrow(ConfigError);
  });

  it('allows loopback without tokens', () => {
    expect(() => assertSafeExposure(config())).not.toThrow();
  });
});
