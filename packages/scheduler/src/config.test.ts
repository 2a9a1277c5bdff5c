import { describe, expect, it } from 'vitest';
import { ConfigError, defaults, parseConfig } from './config.js';

describe('the payload limit', () => {
  it('defaults to 256 KiB, or to the body limit when that is lower', () => {
    expect(parseConfig([], {})!.maxPayloadBytes).toBe(defaults.maxPayloadBytes);
    expect(parseConfig(['--max-body-bytes', '65536'], {})!.maxPayloadBytes).toBe(65536);
    expect(parseConfig([], { FOREMAN_MAX_BODY_BYTES: '4096' })!.maxPayloadBytes).toBe(4096);
  });

  it('is refused above the body limit, naming both settings', () => {
    expect(() => parseConfig(['--max-payload-bytes', '5000000'], {})).toThrow(ConfigError);
    expect(() => parseConfig([], { FOREMAN_MAX_PAYLOAD_BYTES: '5000000' })).toThrow(/--max-payload-bytes \(FOREMAN_MAX_PAYLOAD_BYTES\): must not exceed --max-body-bytes/);
    expect(parseConfig(['--max-payload-bytes', '5000000', '--max-body-bytes', '6000000'], {})!.maxPayloadBytes).toBe(5000000);
  });
});

describe('the database setting', () => {
  it('refuses a blank value with one message', () => {
    for (const blank of ['', ' ']) {
      const refusal = (() => {
        try {
          parseConfig(['--db', blank], {});
        } catch (error) {
          return error as ConfigError;
        }
      })();
      expect(refusal?.message).toBe('--db (FOREMAN_DB): must name a SQLite file or a postgres:// URL');
    }
  });
});

describe('numeric settings', () => {
  it('name the setting and say a number was expected, for words', () => {
    expect(() => parseConfig(['--port', 'abc'], {})).toThrow(/--port \(FOREMAN_PORT\): must be a number/);
    expect(() => parseConfig([], { FOREMAN_RATE_LIMIT: 'fast' })).toThrow(/--rate-limit \(FOREMAN_RATE_LIMIT\): must be a number/);
    expect(() => parseConfig(['--retain-completed-days', '0.5'], {})).toThrow(/--retain-completed-days \(FOREMAN_RETAIN_COMPLETED_DAYS\): must be a whole number/);
    expect(() => parseConfig(['--port', '70000'], {})).toThrow(/--port \(FOREMAN_PORT\): must be at most 65535/);
    expect(() => parseConfig(['--max-body-bytes', '1000'], {})).toThrow(/--max-body-bytes \(FOREMAN_MAX_BODY_BYTES\): must be at least 1024/);
  });

  it('take plain decimals only', () => {
    expect(() => parseConfig(['--port', '0x10'], {})).toThrow(/--port \(FOREMAN_PORT\): must be a number/);
    expect(() => parseConfig([], { FOREMAN_PORT: '1e3' })).toThrow(/--port \(FOREMAN_PORT\): must be a number/);
    expect(() => parseConfig(['--port', 'Infinity'], {})).toThrow(/--port \(FOREMAN_PORT\): must be a number/);
    expect(parseConfig(['--port', ' 9090 '], {})!.port).toBe(9090);
    expect(parseConfig(['--rate-limit', '2.5'], {})!.rateLimit).toBe(2.5);
  });

  it('refuse a blank value rather than read it as 0', () => {
    expect(() => parseConfig(['--retain-completed-days', ''], {})).toThrow(/--retain-completed-days \(FOREMAN_RETAIN_COMPLETED_DAYS\): must be a number/);
    expect(() => parseConfig(['--port', ' '], {})).toThrow(/--port \(FOREMAN_PORT\): must be a number/);
  });

  it('take an empty variable as unset', () => {
    expect(parseConfig([], { FOREMAN_INSECURE: '', FOREMAN_PORT: ' ' })).toMatchObject({ insecure: false, port: defaults.port });
  });
});
