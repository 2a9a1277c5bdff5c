// A log collector that dies closes the pipe the processes log to: they must still stop on SIGTERM.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { agentBin } from './support/agent-process.js';
import { watchChild } from './support/child-process.js';
import { schedulerBin, startTestScheduler, tempDir, type TestScheduler } from './support/scheduler.js';

let foreman: TestScheduler;
const dir = tempDir();
beforeEach(async () => {
  foreman = await startTestScheduler();
});
afterEach(() => foreman.close());
afterAll(() => dir.remove());

/**
 * Starts the process with stdout piped, closes the pipe once it has logged `ready` (it then
 * handles signals), then sends SIGTERM; resolves to how it exited.
 */
async function stopWithStdoutClosed(script: string, args: string[], ready: string) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = watchChild(child);
  try {
    await new Promise<void>((resolve) => {
      let logged = '';
      child.stdout.on('data', (chunk: Buffer) => {
        logged += chunk.toString();
        if (logged.includes(`"msg":"${ready}"`)) resolve();
      });
    });
    child.stdout.destroy();
    // Long enough for a few more lines to be written into the closed pipe before the signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, 'still running 10 s after SIGTERM'));
    return await Promise.race([exited, timeout]);
  } finally {
    child.kill('SIGKILL');
  }
}

it('an agent whose stdout reader is gone still stops on SIGTERM and exits 0', async () => {
  expect(await stopWithStdoutClosed(agentBin, ['--url', foreman.url, '--worker-id', 'orphaned-logs', '--wait-ms', '200'], 'agent started')).toBe(0);
});

it('a scheduler whose stdout reader is gone still stops on SIGTERM and exits 0', async () => {
  expect(await stopWithStdoutClosed(schedulerBin, ['--port', '0', '--db', join(dir.path, 'closed-stdout.db')], 'foreman scheduler listening')).toBe(0);
});
