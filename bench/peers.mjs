// `--peers`: runs the peer benchmarks of ../shared/peers (BullMQ, pg-boss, graphile-worker) in
// this same run, once per variant, and compares Foreman with the best of them workload by
// workload: a ratio measured in one run is the only comparison that holds on a noisy machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const peersDir = process.env.FOREMAN_PEERS_DIR ?? fileURLToPath(new URL('../../shared/peers/', import.meta.url));
const peerScripts = ['bullmq', 'pgboss', 'graphile'];
/** BullMQ with Redis persisting every second: the peer a durable W1 and W3 compare with. */
const aofWorkloads = ['W1:c50', 'W3:single'];
const perProcessTimeoutSeconds = 170;
const pgUrl = process.env.PG_URL ?? 'postgres://root:bench@127.0.0.1:5432/bench';

function quiet(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

/** The peers' own prerequisites, as their run-all.sh makes them: packages, the `bench` database, Redis. */
function prepare() {
  if (!existsSync(peersDir)) throw new Error(`no peer benchmarks at ${peersDir}; set FOREMAN_PEERS_DIR`);
  if (!existsSync(`${peersDir}/node_modules`)) {
    process.stderr.write('peers: installing their packages…\n');
    // npm ci refuses a lock file written by another npm; the versions are pinned in package.json.
    if (quiet('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peersDir }).status !== 0) {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: peersDir, stdio: 'inherit' });
    }
  }
  const url = new URL(pgUrl);
  const admin = ['-h', url.hostname, '-p', url.port || '5432', '-U', process.env.PGADMINUSER ?? 'postgres'];
  const hasDb = quiet('psql', [...admin, '-d', 'postgres', '-tAc', `select 1 from pg_database where datname = '${url.pathname.slice(1)}'`]);
  if (hasDb.status !== 0) {
    process.stderr.write(`peers: PostgreSQL is not reachable as ${admin.join(' ')} (${hasDb.stderr.trim()}); the pg-boss and graphile-worker runs will fail\n`);
    return;
  }
  const role = decodeURIComponent(url.username);
  if (quiet('psql', [...admin, '-d', 'postgres', '-tAc', `select 1 from pg_roles where rolname = '${role}'`]).stdout.trim() !== '1') {
    quiet('psql', [...admin, '-d', 'postgres', '-c', `CREATE ROLE "${role}" SUPERUSER LOGIN`]);
  }
  quiet('psql', [...admin, '-d', 'postgres', '-c', `ALTER ROLE "${role}" PASSWORD '${decodeURIComponent(url.password)}'`]);
  if (hasDb.stdout.trim() !== '1') quiet('psql', [...admin, '-d', 'postgres', '-c', `CREATE DATABASE "${url.pathname.slice(1)}" OWNER "${role}"`]);
}

function redisConfig(name, value) {
  return quiet('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'config', 'set', name, value]).status === 0;
}

function runPeer(script, workload, env = {}) {
  const run = quiet('timeout', [String(perProcessTimeoutSeconds), process.execPath, `${script}.mjs`, workload], { cwd: peersDir, env: { ...process.env, PG_URL: pgUrl, ...env } });
  const results = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('RESULT '))
    .map((line) => JSON.parse(line.slice(7)));
  if (!results.length) results.push({ peer: script, id: workload, error: `exit ${run.status}: ${run.stderr.trim().split('\n').at(-1)}` });
  return results;
}

function listWorkloads(script) {
  return execFileSync(process.execPath, [`${script}.mjs`, '--list'], { cwd: peersDir, encoding: 'utf8' }).split(/\s+/).filter(Boolean);
}

/** Every peer variant's results, each peer script's workload run once in its own process. */
function measurePeers(only) {
  const wanted = (id) => !only || only.some((name) => id.startsWith(`${name}:`));
  const results = [];
  for (const script of peerScripts) {
    for (const workload of listWorkloads(script).filter(wanted)) {
      process.stderr.write(`peer ${script} ${workload}…\n`);
      results.push(...runPeer(script, workload));
    }
  }
  const aof = aofWorkloads.filter(wanted);
  if (aof.length && redisConfig('appendonly', 'yes') && redisConfig('appendfsync', 'everysec')) {
    try {
      for (const workload of aof) {
        process.stderr.write(`peer bullmq+AOF ${workload}…\n`);
        results.push(...runPeer('bullmq', workload, { PEER_LABEL: 'bullmq+AOF' }));
      }
    } finally {
      redisConfig('appendonly', 'no');
    }
  }
  return results;
}

/** The best peer result for one metric: highest, or lowest when `lowerIsBetter`. */
function best(results, workload, metric, { lowerIsBetter = false, peer } = {}) {
  const candidates = results.filter(
    (r) => !r.error && r.workload === workload && typeof r.metrics?.[metric] === 'number' && Number.isFinite(r.metrics[metric]) && (!peer || r.peer === peer),
  );
  candidates.sort((a, b) => (lowerIsBetter ? a.metrics[metric] - b.metrics[metric] : b.metrics[metric] - a.metrics[metric]));
  const top = candidates[0];
  return top && { peer: top.peer, variant: top.variant, value: top.metrics[metric] };
}

/** Foreman against the best peer, per workload and metric, with the targets. */
function compare(foreman, peers) {
  const ours = Object.fromEntries(foreman.map((result) => [result.workload, result]));
  const rows = [
    { workload: 'W1', metric: 'drain jobs/s', mine: ours.W1?.jobsPerSecond, peer: best(peers, 'W1', 'drain_jobs_per_s'), target: (ratio, mine) => ratio >= 1 && mine >= 10_000, targetText: '≥ 1.0× and ≥ 10,000/s' },
    { workload: 'W1', metric: 'bulk enqueue jobs/s', mine: ours.W1?.bulkEnqueuePerSecond, peer: best(peers, 'W1', 'bulk_enqueue_jobs_per_s'), target: (ratio) => ratio >= 1, targetText: '≥ 1.0×' },
    { workload: 'W2', metric: 'pickup p50 ms', mine: ours.W2?.p50Ms, peer: best(peers, 'W2', 'p50_ms', { lowerIsBetter: true }), lowerIsBetter: true, target: (_, mine) => mine <= 1.5, targetText: '≤ 1.5 ms' },
    { workload: 'W2', metric: 'pickup p99 ms', mine: ours.W2?.p99Ms, peer: best(peers, 'W2', 'p99_ms', { lowerIsBetter: true }), lowerIsBetter: true, target: (_, mine) => mine <= 5, targetText: '≤ 5 ms' },
    { workload: 'W3', metric: 'single enqueues/s vs BullMQ+AOF', mine: ours.W3?.enqueuesPerSecond, peer: best(peers, 'W3', 'enqueues_per_s', { peer: 'bullmq+AOF' }), target: (ratio) => ratio >= 1, targetText: '≥ 1.0×' },
    { workload: 'W3', metric: 'single enqueues/s vs best', mine: ours.W3?.enqueuesPerSecond, peer: best(peers, 'W3', 'enqueues_per_s'), target: () => null, targetText: '(for reference)' },
    { workload: 'W4', metric: 'retry jobs/s', mine: ours.W4?.jobsPerSecond, peer: best(peers, 'W4', 'jobs_per_s'), target: (ratio) => ratio >= 3, targetText: '≥ 3.0×' },
  ];
  return rows
    .filter((row) => row.mine !== undefined && row.peer)
    .map(({ workload, metric, mine, peer, lowerIsBetter, target, targetText }) => {
      // Above 1 always means Foreman is ahead, also where lower is better (latency).
      const ratio = lowerIsBetter ? peer.value / mine : mine / peer.value;
      return { workload, metric, foreman: mine, peer: `${peer.peer} (${peer.variant})`, peerValue: peer.value, ratio, target: targetText, met: target(ratio, mine) };
    });
}

export function runPeers(foreman, { only } = {}) {
  prepare();
  const peers = measurePeers(only);
  const failed = peers.filter((result) => result.error);
  for (const failure of failed) process.stderr.write(`peer ${failure.peer} ${failure.id}: ${failure.error.split('\n')[0]}\n`);
  const comparison = compare(foreman, peers);
  const format = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));
  console.log('\nForeman against the best peer variant measured in this run (ratio > 1: Foreman ahead, also for latency):');
  console.log(['workload', 'metric', 'Foreman', 'best peer', 'peer', 'ratio', 'target', 'met'].join(' | '));
  for (const row of comparison) {
    console.log([row.workload, row.metric, format(row.foreman), row.peer, format(row.peerValue), `${row.ratio.toFixed(2)}×`, row.target, row.met === null ? '—' : row.met ? 'yes' : 'no'].join(' | '));
  }
  return { peers, comparison };
}
