import { startScheduler } from '../packages/scheduler/dist/main.js';
import { parseConfig } from '../packages/scheduler/dist/config.js';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/ct-');
const s = await startScheduler(parseConfig(['--port','0','--db',dir+'/f.db','--log-level','silent']));
const body = JSON.stringify({ jobs: Array.from({length: 1000}, (_, i) => ({ type: 'bench.noop' })) });
const t = performance.now();
for (let k=0;k<40;k++) { const r = await fetch(s.url + '/jobs/batch', { method: 'POST', headers: {'content-type':'application/json'}, body }); await r.arrayBuffer(); }
console.log('bulk jobs/s', (40000 / ((performance.now() - t) / 1000)).toFixed(0));
await s.close();
