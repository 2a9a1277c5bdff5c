// The --db setting as a user writes it: SQLite as a path or a URL, and anything else refused at
// start instead of being taken for a file name.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, runSchedulerCli, schedulersStoppedAfterEach, tempDir } from './support/scheduler.js';

const dir = tempDir('foreman-db-setting-');
const schedulers = schedulersStoppedAfterEach();
afterAll(() => dir.remove());

describe('--db', () => {
  it.each([
    ['a sqlite: URL', (path: string) => `sqlite://${path}`],
    ['a file: URL', (path: string) => pathToFileURL(path).href],
  ])('opens the SQLite file %s names', async (_form, setting) => {
    const path = join(dir.path, `named by url ${Math.random().toString(36).slice(2)}.db`);
    const running = await schedulers.spawn(setting(path));
    const { data } = await clientFor(running.url).POST('/jobs', { body: { type: 'db.setting' } });
    expect(data?.status).toBe('pending');
    expect(existsSync(path)).toBe(true);
  });

  it.each([
    ['mysql://root@localhost/jobs', 'a mysql: database is not supported; give a SQLite file path or a postgres:// URL'],
    [':memory:', 'an in-memory database would lose every job at exit'],
  ])('refuses %s at start, and makes no file of it', (setting, message) => {
    const cwd = tempDir('foreman-db-cwd-');
    try {
      const { status, stderr } = runSchedulerCli(['--port', '0', '--db', setting], { cwd: cwd.path });
      expect(status).toBe(2);
      expect(stderr).toContain(`--db (FOREMAN_DB): ${message}`);
      expect(readdirSync(cwd.path)).toEqual([]);
    } finally {
      cwd.remove();
    }
  });
});
