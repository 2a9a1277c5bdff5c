// SIGTERM to a real scheduler process: waiting long polls are answered at once with no jobs,
// the database is checkpointed and closed, and the process exits 0 promptly.
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, SchedulerProcesses } from './support/scheduler.js';
import { backend } from './support/test-database.js';
import { contractViolations } from './support/validating-fetch.js';
import { enqueue, eventually, getJob } from './support/worker-calls.js';

const processes = new SchedulerProcesses();
afterAll(() => {
  expect(contractViolations).toEqual([]);
});

describe('SIGTERM to the scheduler', () => {
  it('answers waiting long polls with an empty list at once and exits 0 with the database closed cleanly', async () => {
    const { running, database } = await processes.start();
    let client = clientFor(running.url);
    const kept = await enqueue(client, { type: 'survives', payload: { n: 1 } });

    const polls = [1, 2, 3].map((n) => client.POST('/next-job', { body: { worker_id: `poller-${n}`, wait_ms: 60_000, types: ['never'] } }));
    await eventually(async () => (await fetch(`${running.url}/metrics`)).text(), (text) => /^foreman_long_polls_waiting 3$/m.test(text));

    const signalled = Date.now();
    running.child.kill('SIGTERM');
    for (const poll of polls) {
      const { data, response } = await poll;
      expect(response.status).toBe(200);
      expect(data).toEqual({ jobs: [], drain: false });
    }
    expect(Date.now() - signalled).toBeLessThan(2000);
    expect(await running.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(running.logs.some((line) => line.msg === 'foreman scheduler stopped')).toBe(true);
    if (backend === 'sqlite') {
      // Checkpointed: everything is in the database file, the write-ahead log is empty.
      const wal = `${database.db}-wal`;
      expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    }

    const { running: restarted } = await processes.start();
    client = clientFor(restarted.url);
    expect(await getJob(client, kept.id)).toMatchObject({ status: 'pending', payload: { n: 1 } });
  });

  it('exits at once, with 1, on a second signal while a request holds the shutdown up', async () => {
    const { running } = await processes.start();
    const kept = await enqueue(clientFor(running.url), { type: 'survives' });
    // A request whose body never comes: the shutdown would wait for it up to 10 s. The server's
    // "100 Continue" tells that it holds the request, so the shutdown cannot close it as idle.
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const continued = new Promise((resolve) => socket.once('data', resolve));
    socket.write('POST /jobs HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\nexpect: 100-continue\r\n\r\n');
    expect(String(await continued)).toMatch(/^HTTP\/1\.1 100 Continue/);
    socket.write('{');

    running.child.kill('SIGTERM');
    await eventually(async () => running.logs, (logs) => logs.some((line) => line.msg === 'shutting down'));
    const second = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(1);
    expect(Date.now() - second).toBeLessThan(2000);
    expect(running.logs.some((line) => line.msg === 'second signal; exiting before the shutdown finished')).toBe(true);
    socket.destroy();

    const { running: restarted } = await processes.start();
    expect(await getJob(clientFor(restarted.url), kept.id)).toMatchObject({ status: 'pending' });
  });
});
