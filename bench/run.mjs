#!/usr/bin/env node
// `pnpm bench`: Foreman's workloads W1–W4 and the scale check, each against a fresh scheduler
// process and real agent processes over loopback HTTP, on the durable SQLite default.
// Prints a table and writes bench/results/foreman.json. `--peers` also runs ../shared/peers
// (FOREMAN_PEERS_DIR) once per variant and compares, workload by workload.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { workloads } from './workloads.mjs';
import { runPeers } from './peers.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    peers: { type: 'boolean', default: false },
    'scale-jobs': { type: 'string', default: '1000000' },
  },
});

const results = [];
for (const [name, run] of Object.entries(workloads)) {
  if (values.only && !values.only.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  const result = await run({ scaleJobs: Number(values['scale-jobs']) });
  results.push({ workload: name, ...result });
  console.log(`${name.padEnd(6)} ${result.summary}`);
}

const peers = values.peers ? runPeers(results, { only: values.only }) : null;

const out = new URL('./results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('foreman.json', out), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results, ...(peers && peers) }, null, 2)}\n`);
