// Processes and measurements shared by the benchmark workloads.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { freshDatabase } from './databases.mjs';

const root = new URL('..', import.meta.url).pathname;
const schedulerBin = join(root, 'packages/scheduler/bin/foreman-scheduler.js');
const agentBin = join(root, 'packages/worker-agent/bin/foreman-agent.js');
const benchJobs = join(root, 'bench/jobs.mjs');
const clockTicksPerSecond = 100;
/** Extra node flags for the scheduler and agent processes, e.g. `--cpu-prof` when profiling. */
const nodeFlags = (process.env.FOREMAN_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/** The node flags a bin's `#!/usr/bin/env -S node …` line gives it, as run from a shell. */
const shebangFlags = (bin) => readFileSync(bin, 'utf8').split('\n', 1)[0].split(/\s+/).filter((word) => word.startsWith('--'));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const wallClock = () => performance.timeOrigin + performance.now();

function track(child) {
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited, async stop() { child.kill('SIGTERM'); await exited; } };
}

/** A scheduler process on a fresh database: `sqlite` (the durable default settings) or `postgres`. */
export async function startScheduler(database = 'sqlite', flags = []) {
  const db = await freshDatabase(database);
  const child = spawn(process.execPath, [...shebangFlags(schedulerBin), ...nodeFlags, schedulerBin, '--port', '0', '--db', db.url, ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const proc = track(child);
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'foreman scheduler listening') resolve(entry.url);
      } catch {
        // not a log line
      }
    });
    proc.exited.then((code) => reject(new Error(`scheduler exited (${code}) before listening`)));
  }).catch(async (error) => {
    await db.drop();
    throw error;
  });
  return {
    ...proc,
    url,
    pid: child.pid,
    async stop() {
      await proc.stop();
      await db.drop();
    },
  };
}

export function startAgent(url, { concurrency, prefetch = 0, workerId }) {
  const args = [
    ...nodeFlags, agentBin, '--url', url, '--handlers', benchJobs, '--concurrency', String(concurrency), '--prefetch', String(prefetch),
    '--worker-id', workerId, '--log-level', 'warn', '--wait-ms', '20000',
  ];
  return track(spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] }));
}

/** CPU seconds, and peak and current RSS (MB) of a process, from /proc. */
export function processUsage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const megabytes = (field) => {
    const kilobytes = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return kilobytes ? Number(kilobytes[1]) / 1024 : NaN;
  };
  return { cpuSeconds, peakRssMb: megabytes('VmHWM'), rssMb: megabytes('VmRSS') };
}

/**
 * The lowest RSS (MB) of an idle process within `withinMs`: V8 gives back the heap a burst of
 * work grew only once the process has been idle for a while (here after 12 to 40 s).
 */
export async function settledRssMb(pid, withinMs) {
  let lowest = processUsage(pid).rssMb;
  for (const deadline = performance.now() + withinMs; performance.now() < deadline; ) {
    await sleep(1000);
    lowest = Math.min(lowest, processUsage(pid).rssMb);
  }
  return lowest;
}

// The producer's calls go over node:http with one kept-alive connection, as a service that
// enqueues in a loop would hold one; Node's fetch adds about 0.7 ms to every round trip here.
const producerAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export function api(url, method, path, body) {
  const data = body === undefined ? undefined : JSON.stringify(body);
  const headers = data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
  return new Promise((resolve, reject) => {
    const request = http.request(url + path, { method, agent: producerAgent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode >= 300) reject(new Error(`${method} ${path} → ${response.statusCode}: ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    request.on('error', reject);
    request.end(data);
  });
}

/** Enqueues in batches of 1,000 that ask for the ids only, as a producer loading many jobs would. */
export async function enqueueBulk(url, jobs) {
  const started = performance.now();
  for (let i = 0; i < jobs.length; i += 1000) await api(url, 'POST', '/jobs/batch', { jobs: jobs.slice(i, i + 1000), return_jobs: false });
  return jobs.length / ((performance.now() - started) / 1000);
}

export async function waitForCounts(url, accept, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await api(url, 'GET', '/stats');
    if (accept(stats.counts)) return stats.counts;
    if (performance.now() > deadline) throw new Error(`timed out; counts ${JSON.stringify(stats.counts)}`);
    // /stats counts the whole table; asking often would measure the counting, not the workload.
    // The drain's end is taken from the last `finished_at`, so polling slowly costs no precision.
    await sleep(250);
  }
}

/** When the scheduler first heard from this worker (its first lease request), in ms. */
export async function workerFirstSeenAt(url, workerId) {
  const { workers } = await api(url, 'GET', '/workers');
  const worker = workers.find((seen) => seen.worker_id === workerId);
  if (!worker) throw new Error(`the scheduler never saw worker ${workerId}`);
  return Date.parse(worker.first_seen);
}

/** Newest `finished_at` among completed jobs: when the last completion was accepted. */
export async function lastCompletionAt(url, type) {
  let latest = 0;
  let cursor;
  do {
    const page = await api(url, 'GET', `/jobs?status=completed&type=${type}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    for (const job of page.jobs) latest = Math.max(latest, Date.parse(job.finished_at));
    cursor = page.next_cursor;
  } while (cursor);
  return latest;
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
