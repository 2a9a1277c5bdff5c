#!/usr/bin/env node
// `pnpm start`: the scheduler on the embedded SQLite default plus one local agent running the
// built-in handlers. Extra arguments go to the scheduler (e.g. `pnpm start -- --port 9090`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const schedulerBin = new URL('../packages/scheduler/bin/foreman-scheduler.js', import.meta.url).pathname;
const agentBin = new URL('../packages/worker-agent/bin/foreman-agent.js', import.meta.url).pathname;
const localAgentId = 'local-agent';
const children = [];

// Each bin runs as its shebang says, with the node flags it carries, in a process group of its
// own: a Ctrl-C in the terminal then reaches this script alone, which stops them in order.
function start(bin, args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // An agent exits 0 only when stopped or drained: the scheduler keeps serving without it.
    if (bin === agentBin && code === 0) {
      console.error(`${localAgentId} drained and exited; the scheduler keeps running. Restart \`pnpm start\` for a new local agent.`);
      return;
    }
    console.error(`${bin.split('/').at(-1)} exited (${signal ?? code}); stopping`);
    stop(1);
  });
  return child;
}

/**
 * A drain of the local agent is stored, and a new agent with its id would drain at once; starting
 * Foreman this way asks for a working local agent, so a drain left from an earlier run is withdrawn.
 */
async function withdrawStaleDrain(url) {
  // With tokens on, the token the agent is given asks; withdrawing a drain takes the admin scope.
  const headers = process.env.FOREMAN_TOKEN ? { authorization: `Bearer ${process.env.FOREMAN_TOKEN}` } : {};
  // 404 is an agent never seen: nothing to withdraw. Anything else only warns: the agent starts either way.
  const outcome = await fetch(`${url}/workers/${localAgentId}/drain`, { method: 'DELETE', headers }).then(
    (response) => (response.ok || response.status === 404 ? null : `${response.status} ${response.statusText}`),
    (error) => error.message,
  );
  if (outcome) process.stderr.write(`start-local: could not withdraw an earlier drain of ${localAgentId} (${outcome}); if one is stored, the agent drains at once\n`);
}

const running = (child) => child.exitCode === null && child.signalCode === null;

/**
 * The agent first, so that it hands back the jobs it runs while the scheduler still takes its
 * reports; then the scheduler.
 */
let stopping = false;
async function stop(code = 0) {
  stopping = true;
  for (const child of [...children].reverse()) {
    if (!running(child)) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  process.exit(code);
}
// A second Ctrl-C: the operator will not wait; each process is told again, which cuts its shutdown short.
let signals = 0;
const onSignal = () => {
  if (++signals === 1) void stop();
  else for (const child of children) if (running(child)) child.kill('SIGTERM');
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// The terminal closed: its own signals no longer reach the processes, in sessions of their own.
process.on('SIGHUP', onSignal);
// Exiting on its own (an error, say), this script takes the processes it started with it; only a
// SIGKILL leaves them running.
process.on('exit', () => {
  for (const child of children) if (running(child)) child.kill('SIGTERM');
});

const scheduler = start(schedulerBin, process.argv.slice(2).filter((arg) => arg !== '--'));
const lines = createInterface({ input: scheduler.stdout });
lines.on('line', async (line) => {
  process.stdout.write(`${line}\n`);
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (entry.msg !== 'foreman scheduler listening' || children.length > 1) return;
  await withdrawStaleDrain(entry.url);
  const agent = start(agentBin, ['--url', entry.url, '--worker-id', localAgentId]);
  agent.stdout.pipe(process.stdout);
  process.stdout.write(
    `\nForeman is running.\n  scheduler: ${entry.url}  (database ${entry.db})\n  agent:     ${localAgentId}, built-in handlers http and sleep\n` +
      `  try:       curl -s -X POST ${entry.url}/jobs -H 'content-type: application/json' -d '{"type":"sleep","payload":{"ms":500}}'\n` +
      `  stop:      Ctrl-C\n\n`,
  );
});
