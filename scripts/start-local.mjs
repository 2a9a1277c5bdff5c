#!/usr/bin/env node
// `pnpm start`: the scheduler on the embedded SQLite default plus one local agent running the
// built-in handlers. Extra arguments go to the scheduler (e.g. `pnpm start -- --port 9090`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const schedulerBin = new URL('../packages/scheduler/bin/foreman-scheduler.js', import.meta.url).pathname;
const agentBin = new URL('../packages/worker-agent/bin/foreman-agent.js', import.meta.url).pathname;
const children = [];

// Each bin runs as its shebang says, with the node flags it carries.
function start(bin, args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${bin.split('/').at(-1)} exited (${signal ?? code}); stopping`);
      stop(1);
    }
  });
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve))))).then(() => process.exit(code));
}
process.once('SIGINT', () => stop());
process.once('SIGTERM', () => stop());

const scheduler = start(schedulerBin, process.argv.slice(2).filter((arg) => arg !== '--'));
const lines = createInterface({ input: scheduler.stdout });
lines.on('line', (line) => {
  process.stdout.write(`${line}\n`);
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (entry.msg !== 'foreman scheduler listening' || children.length > 1) return;
  const agent = start(agentBin, ['--url', entry.url, '--worker-id', 'local-agent']);
  agent.stdout.pipe(process.stdout);
  process.stdout.write(
    `\nForeman is running.\n  scheduler: ${entry.url}  (database ${entry.db})\n  agent:     local-agent, built-in handlers http and sleep\n` +
      `  try:       curl -s -X POST ${entry.url}/jobs -H 'content-type: application/json' -d '{"type":"sleep","payload":{"ms":500}}'\n` +
      `  stop:      Ctrl-C\n\n`,
  );
});
