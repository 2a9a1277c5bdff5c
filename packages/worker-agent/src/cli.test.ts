import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The real bin over the built dist, as users run it.
const bin = fileURLToPath(new URL('../bin/foreman-agent.js', import.meta.url));

interface Run {
  exit: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
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
});
