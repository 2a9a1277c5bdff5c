import { describe, expect, it } from 'vitest';
import { flagFor, parseCliArgs, UsageError } from './cli-args.js';

describe('parseCliArgs', () => {
  it('leaves everything to the defaults when given nothing', () => {
    const args = parseCliArgs([], {});
    expect(args.help).toBe(false);
    expect(args.handlerPaths).toEqual([]);
    expect(Object.values(args.options).every((value) => value === undefined)).toBe(true);
  });

  it('reads every flag', () => {
    const args = parseCliArgs(
      [
        '--url', 'http://sched:9000', '--concurrency', '4', '--prefetch', '8', '--worker-id', 'w1', '--types', 'a,b', '--queues', 'q1',
        '--handlers', './jobs.js', '--wait-ms', '500', '--shutdown-grace-ms', '250', '--file-root', '/data', '--log-level', 'debug',
      ],
      {},
    );
    expect(args.options).toEqual({
      url: 'http://sched:9000',
      concurrency: 4,
      prefetch: 8,
      workerId: 'w1',
      types: ['a', 'b'],
      queues: ['q1'],
      waitMs: 500,
      shutdownGraceMs: 250,
      fileRoot: '/data',
      logLevel: 'debug',
    });
    expect(args.handlerPaths).toEqual(['./jobs.js']);
  });

  it('reads the token and the CA file from flags or FOREMAN_TOKEN and FOREMAN_CA_FILE', () => {
    expect(parseCliArgs(['--token', 'fmn_a', '--ca-file', '/etc/ca.pem'], {}).options).toMatchObject({ token: 'fmn_a', caFile: '/etc/ca.pem' });
    expect(parseCliArgs([], { FOREMAN_TOKEN: 'fmn_b', FOREMAN_CA_FILE: '/ca.pem' }).options).toMatchObject({ token: 'fmn_b', caFile: '/ca.pem' });
  });

  it('accepts repeated and comma-separated lists, without duplicates', () => {
    const args = parseCliArgs(['--types', 'a,b', '--types', 'c', '--types', 'a', '--handlers', 'x.js', '--handlers', 'y.js'], {});
    expect(args.options.types).toEqual(['a', 'b', 'c']);
    expect(args.handlerPaths).toEqual(['x.js', 'y.js']);
  });

  it('falls back to FOREMAN_* variables, and flags win over them', () => {
    const env = { FOREMAN_URL: 'http://env:1', FOREMAN_CONCURRENCY: '7', FOREMAN_PREFETCH: '3', FOREMAN_WORKER_ID: 'env-worker', FOREMAN_QUEUES: 'q1, q2' };
    expect(parseCliArgs([], env).options).toMatchObject({ url: 'http://env:1', concurrency: 7, prefetch: 3, workerId: 'env-worker', queues: ['q1', 'q2'] });
    expect(parseCliArgs(['--concurrency', '2'], env).options.concurrency).toBe(2);
  });

  it.each([
    [['--concurrency', 'ten'], {}, /--concurrency must be a whole number/],
    [['--wait-ms=-5'], {}, /--wait-ms must be a whole number/],
    [[], { FOREMAN_PREFETCH: 'some' }, /FOREMAN_PREFETCH must be a whole number/],
    [[], { FOREMAN_SHUTDOWN_GRACE_MS: '1.5' }, /FOREMAN_SHUTDOWN_GRACE_MS must be a whole number/],
    [['--types', ','], {}, /--types needs at least one name/],
    [['--log-level', 'loud'], {}, /--log-level must be one of/],
    [['--nope'], {}, /nope/],
    [['--url'], {}, /--url/],
    [['stray'], {}, /stray/],
  ])('refuses %j %j', (argv, env, message) => {
    expect(() => parseCliArgs(argv, env)).toThrow(UsageError);
    expect(() => parseCliArgs(argv, env)).toThrow(message);
  });

  it('recognises --help and -h', () => {
    expect(parseCliArgs(['--help'], {}).help).toBe(true);
    expect(parseCliArgs(['-h'], {}).help).toBe(true);
  });
});

describe('flagFor', () => {
  it('names the flag behind an option', () => {
    expect(flagFor('workerId')).toBe('--worker-id');
    expect(flagFor('types.0')).toBe('--types');
    expect(flagFor('url')).toBe('--url');
  });
});
