// `pnpm start`: a scheduler and a local agent that runs the built-in handlers, as a new user starts them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { watchChild } from './support/child-process.js';
import { clientFor, spawnScheduler, tempDir } from './support/scheduler.js';
import { token, tokensFile } from './support/tokens.js';
import { enqueue, eventually, getJob } from './support/worker-calls.js';

const startLocal = new URL('../scripts/start-local.mjs', import.meta.url).pathname;
const dir = tempDir();
afterAll(() => dir.remove());

interface Access {
  flags: string[];
  env: NodeJS.ProcessEnv;
  token?: string;
}

/**
 * Runs `pnpm start`'s script on the given database; resolves once its agent has asked for work.
 * `ownGroup`: in a process group of its own, as a terminal runs a command, so that the whole group can be signalled.
 */
async function startForeman(db: string, access: Access, { ownGroup = false } = {}) {
  const child = spawn(process.execPath, [startLocal, '--port', '0', '--db', db, ...access.flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...access.env },
    detached: ownGroup,
  });
  const exited = watchChild(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = /"msg":"foreman scheduler listening"/.test(line) ? (JSON.parse(line) as { url: string }) : null;
      if (listening) resolve(listening.url);
    });
    void exited.then((how) => reject(new Error(`exited (${how}) before listening: ${stderr}`)));
  });
  const client = clientFor(url, access.token);
  await eventually(
    async () => (await client.GET('/workers')).data!.workers.find((worker) => worker.worker_id === 'local-agent'),
    (agent) => agent !== undefined && !agent.draining,
  );
  return { child, exited, client, stderr: () => stderr };
}

const operator = token('operator', 'admin,producer,worker');
const operatorTokens = tokensFile([operator]);
afterAll(() => operatorTokens.remove());

it.each<[string, Access]>([
  ['open', { flags: [], env: {} }],
  ['with tokens, the agent given an admin token', { flags: ['--tokens-file', operatorTokens.path], env: { FOREMAN_TOKEN: operator.token }, token: operator.token }],
])('keeps the scheduler serving after its local agent is drained, and a new start withdraws that drain (%s)', async (_access, access) => {
  const db = join(dir.path, `foreman-${Math.random().toString(36).slice(2)}.db`);
  const first = await startForeman(db, access);
  try {
    const job = await enqueue(first.client, { type: 'sleep', payload: { ms: 10 } });
    expect(await eventually(() => getJob(first.client, job.id), (current) => current.status === 'completed')).toMatchObject({ worker_id: 'local-agent' });

    await first.client.POST('/workers/{id}/drain', { params: { path: { id: 'local-agent' } } });
    await eventually(async () => first.stderr(), (text) => text.includes('local-agent drained and exited'));
    expect((await first.client.GET('/healthz')).response.status).toBe(200);
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
  } finally {
    first.child.kill('SIGKILL');
  }

  const second = await startForeman(db, access);
  try {
    const job = await enqueue(second.client, { type: 'sleep', payload: { ms: 10 } });
    expect(await eventually(() => getJob(second.client, job.id), (current) => current.status === 'completed')).toMatchObject({ worker_id: 'local-agent' });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  } finally {
    second.child.kill('SIGKILL');
  }
});

it('hands a running job back on Ctrl-C, which a terminal sends to the whole process group', async () => {
  const db = join(dir.path, `foreman-${Math.random().toString(36).slice(2)}.db`);
  const foreman = await startForeman(db, { flags: [], env: { FOREMAN_SHUTDOWN_GRACE_MS: '200' } }, { ownGroup: true });
  let job;
  try {
    job = await enqueue(foreman.client, { type: 'sleep', payload: { ms: 60_000 }, max_attempts: 1 });
    await eventually(() => getJob(foreman.client, job!.id), (current) => current.status === 'running');
    process.kill(-foreman.child.pid!, 'SIGINT');
    expect(await foreman.exited).toBe(0);
    expect(foreman.stderr()).not.toContain('second signal');
  } finally {
    foreman.child.kill('SIGKILL');
  }
  // The agent handed the job back before the scheduler stopped: pending again, its cut attempt not counted.
  const scheduler = await spawnScheduler(db);
  try {
    expect(await getJob(clientFor(scheduler.url), job.id)).toMatchObject({ status: 'pending', attempt: 0, max_attempts: 1 });
  } finally {
    scheduler.child.kill('SIGTERM');
    await scheduler.exited;
  }
});
