// The README's configuration tables list every setting: a flag added to the scheduler or the
// agent without its row fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaults, sources } from '../packages/scheduler/src/config.js';
import { USAGE as agentUsage } from '../packages/worker-agent/src/cli-args.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The table rows under a heading, up to the next heading. */
function tableRows(heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, `README has no "${heading}" section`).toBeGreaterThan(-1);
  const section = readme.slice(start + heading.length + 2);
  const end = section.search(/\n#{2,3} /);
  return (end === -1 ? section : section.slice(0, end)).split('\n').filter((line) => line.startsWith('| `--'));
}

describe('the README configuration reference', () => {
  const schedulerRows = tableRows('## Scheduler configuration');

  it.each(Object.entries(sources))('lists the scheduler setting %s with its flag, variable and default', (key, { flag, env }) => {
    const row = schedulerRows.find((line) => line.startsWith(`| \`--${flag} `) || line.startsWith(`| \`--${flag}\``));
    expect(row, `no README row for --${flag}`).toBeDefined();
    expect(row).toContain(`\`${env}\``);
    // A setting without a default (a file path, say) shows a dash.
    const fallback = defaults[key as keyof typeof defaults] as unknown;
    expect(row).toContain(fallback === undefined ? '| — |' : `| \`${String(fallback)}\` |`);
  });

  it('lists no scheduler flag that does not exist', () => {
    const flags = new Set(Object.values(sources).map(({ flag }) => flag));
    for (const row of schedulerRows) expect(flags, row).toContain(/^\| `--([a-z-]+)/.exec(row)![1]);
  });

  it('lists every agent flag with its variable', () => {
    const agentRows = tableRows('### On another machine');
    const flags = [...agentUsage.matchAll(/^ {2}--([a-z-]+)/gm)].map((match) => match[1]!);
    expect(flags.length).toBeGreaterThan(5);
    for (const flag of flags) {
      const row = agentRows.find((line) => line.startsWith(`| \`--${flag} `));
      expect(row, `no README row for the agent's --${flag}`).toBeDefined();
      expect(row).toContain(`\`FOREMAN_${flag.toUpperCase().replaceAll('-', '_')}\``);
    }
  });
});
