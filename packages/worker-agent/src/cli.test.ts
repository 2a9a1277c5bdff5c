import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeScheduler, waitFor, type FakeScheduler } from './test-support/fake-scheduler.js';

// The real bin over the built dist, as users run it.
const bin = fileURLToPath(new URL('../bin/foreman-agent.js', import.meta.url));

interface Run {
  exit: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function agent(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return {
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
  };
}

beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
    throw new Error('dist/cli.js is missing: run `pnpm exec tsc -b packages/client packages/worker-agent` first');
  }
});

describe('foreman-agent', () => {
  it('prints usage for --help and exits 0', async () => {
    const run = agent(['--help']);
    expect(await run.exit).toBe(0);
    for (const flag of ['--url', '--concurrency', '--prefetch', '--worker-id', '--types', '--queues', '--handlers', '--wait-ms', '--shutdown-grace-ms', '--file-root', '--log-level']) {
      expect(run.stdout()).toContain(flag);
    }
  });

  it.each([
    [['--concurrency', 'lots'], '--concurrency must be a whole number'],
    [['--concurrency', '0'], '--concurrency: Too small'],
    [['--prefetch', '1001'], '--prefetch: Too big'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--url', 'not a url'], '--url: must be an http(s) URL'],
    [['--types', 'no-such-type'], '--types: no handler for no-such-type'],
    [['--file-root', '/no/such/dir'], '--file-root: /no/such/dir is not an existing directory'],
    [['--handlers', './no-such-module.js'], 'cannot load handlers module ./no-such-module.js'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const run = agent(args);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toContain('--help');
  });

  describe('against a scheduler', () => {
    let fake: FakeScheduler;
    let dir: string;
    afterEach(async () => {
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('runs handlers from --handlers, takes FOREMAN_* settings, and on SIGTERM reports cut jobs as shutdown and exits 0', async () => {
      fake = await startFakeScheduler();
      dir = await mkdtemp(path.join(tmpdir(), 'foreman-cli-'));
      const handlers = path.join(dir, 'jobs.mjs');
      await writeFile(handlers, `export const echo = { type: 'echo', handler: async (payload) => payload };\n`);
      const run = agent(['--handlers', handlers, '--shutdown-grace-ms', '100', '--wait-ms', '1000'], {
        FOREMAN_URL: fake.url,
        FOREMAN_CONCURRENCY: '2',
        FOREMAN_WORKER_ID: 'cli-worker',
      });

      const echo = fake.enqueue({ type: 'echo', payload: { hi: 1 } });
      const long = fake.enqueue({ type: 'sleep', payload: { ms: 60_000 } });
      await waitFor('the echo report and the sleep lease', () => !!fake.accepted(echo.id) && fake.running() === 1, 10_000);
      run.kill('SIGTERM');

      expect(await run.exit).toBe(0);
      expect(fake.accepted(echo.id)).toMatchObject({ worker_id: 'cli-worker', result: { hi: 1 } });
      expect(fake.accepted(long.id)).toMatchObject({ status: 'failed', error: { code: 'shutdown', retryable: true } });
      expect(fake.leases[0]!.body).toMatchObject({ worker_id: 'cli-worker', agent: { concurrency: 2 } });
      expect([...(fake.leases[0]!.body.types ?? [])].sort()).toEqual(['echo', 'http', 'sleep']);
      const logs = run.stdout().trim().split('\n').map((line) => JSON.parse(line));
      expect(logs.every((record) => record.worker_id === 'cli-worker')).toBe(true);
    });
  });
});
