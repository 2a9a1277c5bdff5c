// Real schedulers for tests: in-process on a temporary SQLite file, or as a separate process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { watchChild } from './child-process.js';
import { createInterface } from 'node:readline';
import { createForemanClient, type ForemanClient } from '@foreman/client';
import { parseConfig, startScheduler, type RunningScheduler } from '@foreman/scheduler';
import type { Logger } from 'pino';
import { afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { validatingFetch } from './validating-fetch.js';

export { tempDir } from './temp-dir.js';

export const schedulerBin = new URL('../../packages/scheduler/bin/foreman-scheduler.js', import.meta.url).pathname;

/** Runs the scheduler CLI to its exit (for settings it refuses, and the token command). */
export function runSchedulerCli(args: string[], { env = {}, cwd }: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const run = spawnSync(process.execPath, [schedulerBin, ...args], { encoding: 'utf8', timeout: 15_000, cwd, env: { PATH: process.env.PATH, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function clientFor(url: string, token?: string): ForemanClient {
  return createForemanClient({ url, fetch: validatingFetch, ...(token && { token }) });
}

export interface TestScheduler {
  url: string;
  db: string;
  client: ForemanClient;
  scheduler: RunningScheduler;
  close(): Promise<void>;
}

/**
 * Starts a scheduler in this process on a fresh database (see test-database.ts) and an ephemeral
 * port; it logs nothing, or to `logger`.
 */
export async function startTestScheduler(flags: string[] = [], { logger }: { logger?: Logger } = {}): Promise<TestScheduler> {
  const database = await createTestDatabase();
  const config = parseConfig(['--port', '0', '--db', database.db, '--log-level', 'silent', ...flags], {})!;
  const scheduler = await startScheduler(config, logger).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    url: scheduler.url,
    db: database.db,
    client: clientFor(scheduler.url),
    scheduler,
    async close() {
      await scheduler.close();
      await database.drop();
    },
  };
}

export interface SchedulerProcess {
  url: string;
  child: ChildProcess;
  /** Every log line it wrote so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts `foreman-scheduler` as a child process and waits until it serves the API, or with
 * `until: 'port'` only until its port is open (the database may still be opening).
 */
export async function spawnScheduler(
  db: string,
  flags: string[] = [],
  { until = 'api', env = {} }: { until?: 'api' | 'port'; env?: NodeJS.ProcessEnv } = {},
): Promise<SchedulerProcess> {
  // Run as a command, as operators do, so that the node flags of its shebang apply.
  const child = spawn(schedulerBin, ['--port', '0', '--db', db, ...flags], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const exited = watchChild(child);
  const logs: Array<Record<string, unknown>> = [];
  const awaited = until === 'api' ? 'foreman scheduler listening' : 'foreman scheduler opening the database';
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      logs.push(entry);
      if (entry.msg === awaited && entry.url) resolve(entry.url);
    });
    void exited.then((code) => reject(new Error(`foreman-scheduler exited (${String(code)}) before listening`)));
  });
  return { url, child, logs, exited };
}

/** Spawns scheduler processes as `spawnScheduler` does; after each test the last one is stopped (SIGTERM). */
export function schedulersStoppedAfterEach(): { spawn: typeof spawnScheduler } {
  let running: SchedulerProcess | undefined;
  afterEach(async () => {
    running?.child.kill('SIGTERM');
    await running?.exited;
    running = undefined;
  });
  return { spawn: async (...args) => (running = await spawnScheduler(...args)) };
}

/**
 * Scheduler processes that tests start on a database of their own; after each test the
 * process is killed and the database dropped. Create one at the top of a test file.
 */
export class SchedulerProcesses {
  database: TestDatabase | undefined;
  running: SchedulerProcess | undefined;

  constructor() {
    afterEach(async () => {
      this.running?.child.kill('SIGKILL');
      await this.running?.exited;
      this.running = undefined;
      await this.database?.drop();
      this.database = undefined;
    });
  }

  /** Starts a process on this test's database (made on first use), and waits until it serves. */
  async start(flags: string[] = []): Promise<{ running: SchedulerProcess; database: TestDatabase }> {
    const database = (this.database ??= await createTestDatabase());
    const running = (this.running = await spawnScheduler(database.db, flags));
    return { running, database };
  }
}

