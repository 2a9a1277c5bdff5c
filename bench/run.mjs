#!/usr/bin/env node
// `pnpm bench`: Foreman's workloads W1–W4 and the scale check, each against a fresh scheduler
// process and real agent processes over loopback HTTP, on SQLite (the durable default settings)
// and, where it answers, on PostgreSQL (`--database sqlite` or `--database postgres` picks one).
// Prints a table and writes bench/results/foreman.json. `--peers` also runs ../shared/peers
// (FOREMAN_PEERS_DIR) once per variant and compares the SQLite figures, workload by workload.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { workloads } from './workloads.mjs';
import { runPeers } from './peers.mjs';
import { postgresUnreachable, postgresUrl } from './databases.mjs';

// `pnpm bench -- --only W1` hands the script the `--` as well.
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    only: { type: 'string', multiple: true },
    database: { type: 'string', multiple: true },
    peers: { type: 'boolean', default: false },
    'scale-jobs': { type: 'string', default: '1000000' },
  },
});

// SQLite always (the targets are set on it), PostgreSQL too where it answers, unless --database says.
let databases = values.database ?? ['sqlite', 'postgres'];
if (!values.database && databases.includes('postgres')) {
  const unreachable = await postgresUnreachable();
  if (unreachable) {
    process.stderr.write(`PostgreSQL is not reachable at ${postgresUrl} (${unreachable}): the workloads run on SQLite only\n`);
    databases = databases.filter((database) => database !== 'postgres');
  }
}

const results = [];
for (const database of databases) {
  for (const [name, run] of Object.entries(workloads)) {
    if (values.only && !values.only.includes(name)) continue;
    process.stderr.write(`running ${name} on ${database}…\n`);
    const result = await run({ scaleJobs: Number(values['scale-jobs']), database });
    results.push({ workload: name, database, ...result });
    console.log(`${name.padEnd(9)} ${database.padEnd(8)} ${result.summary}`);
  }
}

const peers = values.peers ? runPeers(results.filter((result) => result.database === 'sqlite'), { only: values.only }) : null;

const out = new URL('./results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('foreman.json', out), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results, ...(peers && peers) }, null, 2)}\n`);
