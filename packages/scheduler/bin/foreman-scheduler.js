#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=1024
// The heap bounds above keep V8 from growing a 32 MB young generation and an old one several
// times its live size on a large machine; node takes them only at start, hence here (package
// managers' bin shims carry them too). `node bin/foreman-scheduler.js` runs without them.
import { runCli } from '../dist/cli.js';

await runCli(process.argv.slice(2));
