// Who this agent is, as told to the scheduler with every lease request.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

// Read at runtime so the version never drifts from package.json; ../ holds from both src/ and dist/.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const AGENT_VERSION: string = pkg.version;

export function agentInfo(concurrency: number, prefetch: number) {
  // Told only when used, so that a scheduler older than the field still accepts the default agent.
  return { hostname: hostname().slice(0, 256), version: AGENT_VERSION.slice(0, 64), concurrency, ...(prefetch > 0 && { prefetch }) };
}
