// `--peers`: runs the peer benchmarks of ../shared/peers in this same run and prints ratios.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const peersDir = new URL('../../shared/peers/', import.meta.url).pathname;
const peerScripts = ['bullmq', 'pgboss', 'graphile'];

function runPeer(script, workload) {
  const output = execFileSync('timeout', ['170', process.execPath, `${script}.mjs`, workload], { cwd: peersDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return output
    .split('\n')
    .filter((line) => line.startsWith('RESULT '))
    .map((line) => JSON.parse(line.slice(7)));
}

function listWorkloads(script) {
  return execFileSync(process.execPath, [`${script}.mjs`, '--list'], { cwd: peersDir, encoding: 'utf8' }).split(/\s+/).filter(Boolean);
}

export async function runPeers(foreman) {
  if (!existsSync(`${peersDir}node_modules`)) execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peersDir, stdio: 'inherit' });
  const best = {};
  for (const script of peerScripts) {
    for (const workload of listWorkloads(script)) {
      process.stderr.write(`peer ${script} ${workload}…\n`);
      for (const result of runPeer(script, workload)) {
        if (result.error) continue;
        const key = result.workload;
        const metric = result.metrics?.drain_jobs_per_s ?? result.metrics?.enqueues_per_s ?? result.metrics?.jobs_per_s ?? -result.metrics?.p50_ms;
        if (metric !== undefined && (!best[key] || metric > best[key].metric)) best[key] = { metric, peer: result.peer, variant: result.variant, metrics: result.metrics };
      }
    }
  }
  const ours = Object.fromEntries(foreman.map((result) => [result.workload, result]));
  console.log('\nratios against the best peer variant measured in this run:');
  for (const [workload, peer] of Object.entries(best)) {
    const id = workload.slice(0, 2);
    const mine = ours[id];
    if (!mine) continue;
    const value = mine.jobsPerSecond ?? mine.enqueuesPerSecond ?? (mine.p50Ms === undefined ? undefined : -mine.p50Ms);
    if (value === undefined) continue;
    const ratio = peer.metric < 0 ? peer.metric / value : value / peer.metric;
    console.log(`${workload}: Foreman ${Math.abs(value).toFixed(1)} vs ${peer.peer} (${peer.variant}) ${Math.abs(peer.metric).toFixed(1)} → ${ratio.toFixed(2)}×`);
  }
}
