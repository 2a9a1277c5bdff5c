// Settings that parse but name something unusable on this machine: the scheduler says which
// setting and why in one line on stderr and exits 1, rather than dying with a stack trace or hanging.
import { symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSchedulerCli, schedulersStoppedAfterEach, tempDir } from './support/scheduler.js';

const dir = tempDir('foreman-startup-');
const schedulers = schedulersStoppedAfterEach();
afterAll(() => dir.remove());

function expectOneLineRefusal(run: { status: number | null; stderr: string }, naming: string, reason: RegExp): void {
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`foreman-scheduler: ${naming}: `);
  expect(lines[0]).toMatch(reason);
}

describe('a scheduler that cannot start', () => {
  it('names a SQLite path under a file', () => {
    const file = join(dir.path, 'plain-file');
    writeFileSync(file, 'not a directory');
    const db = join(file, 'jobs.db');
    expectOneLineRefusal(runSchedulerCli(['--port', '0', '--db', db]), `--db ${db}`, /is not a directory/);
  });

  it('names a file that is not a SQLite database, and leaves it as it was', () => {
    const db = join(dir.path, 'notes.txt');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(200));
    expectOneLineRefusal(runSchedulerCli(['--port', '0', '--db', db]), `--db ${db}`, /not a database/);
  });

  it('names a directory that refuses new entries, without hanging', () => {
    expectOneLineRefusal(runSchedulerCli(['--port', '0', '--db', '/proc/foreman/jobs.db']), '--db /proc/foreman/jobs.db', /ENOENT/);
  });

  it('names an unreachable PostgreSQL without showing its password', () => {
    const run = runSchedulerCli(['--port', '0', '--db', 'postgres://foreman:hunter2@127.0.0.1:1/jobs', '--db-timeout-ms', '2000']);
    expectOneLineRefusal(run, '--db postgres://foreman:***@127.0.0.1:1/jobs', /ECONNREFUSED/);
    expect(run.stderr).not.toContain('hunter2');
    const inQuery = runSchedulerCli(['--port', '0', '--db', 'postgres://foreman@127.0.0.1:1/jobs?password=hunter2&sslpassword=opensesame', '--db-timeout-ms', '2000']);
    expectOneLineRefusal(inQuery, '--db postgres://foreman@127.0.0.1:1/jobs?password=***&sslpassword=***', /ECONNREFUSED/);
  });

  it('refuses a second scheduler on a SQLite file that one already serves, and starts once it is gone', async () => {
    const db = join(dir.path, 'shared.db');
    const first = await schedulers.spawn(db);
    expectOneLineRefusal(runSchedulerCli(['--port', '0', '--db', db]), `--db ${db}`, /another scheduler serves this database/);
    first.child.kill('SIGKILL');
    await first.exited;
    await schedulers.spawn(db);
  });

  it('refuses a second scheduler that names the same file through a symbolic link, or its directory through one', async () => {
    const db = join(dir.path, 'linked.db');
    await schedulers.spawn(db);
    const fileLink = join(dir.path, 'link-to-linked.db');
    symlinkSync(db, fileLink);
    expectOneLineRefusal(runSchedulerCli(['--port', '0', '--db', fileLink]), `--db ${fileLink}`, /another scheduler serves this database/);
    const directoryLink = join(dir.path, 'link-to-dir');
    symlinkSync(dir.path, directoryLink);
    const throughDirectory = join(directoryLink, 'linked.db');
    expectOneLineRefusal(runSchedulerCli(['--port', '0', '--db', throughDirectory]), `--db ${throughDirectory}`, /another scheduler serves this database/);
  });

  it('names a port that is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const run = runSchedulerCli(['--port', String(port), '--db', join(dir.path, 'port.db')]);
      expectOneLineRefusal(run, `--host 127.0.0.1 --port ${port}`, /address already in use/);
    } finally {
      taken.close();
    }
  });
});
