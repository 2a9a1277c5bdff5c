// `foreman-agent` as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { watchChild } from './child-process.js';

export const agentBin = new URL('../../packages/worker-agent/bin/foreman-agent.js', import.meta.url).pathname;
export const fixtureJobs = new URL('../fixtures/jobs.mjs', import.meta.url).pathname;

export interface AgentProcess {
  child: ChildProcess;
  exited: Promise<number | NodeJS.Signals | null>;
}

export function spawnAgent(url: string, args: string[]): AgentProcess {
  const child = spawn(process.execPath, [agentBin, '--url', url, '--handlers', fixtureJobs, '--log-level', 'error', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = watchChild(child);
  return { child, exited };
}

/** The agent processes one test file starts; `killAll` ends whatever is still running. */
export class AgentFleet {
  private readonly agents = new Set<AgentProcess>();

  start(url: string, args: string[]): AgentProcess {
    const agent = spawnAgent(url, args);
    this.agents.add(agent);
    void agent.exited.then(() => this.agents.delete(agent));
    return agent;
  }

  get running(): AgentProcess[] {
    return [...this.agents];
  }

  async killAll(): Promise<void> {
    await Promise.all(
      [...this.agents].map((agent) => {
        agent.child.kill('SIGKILL');
        return agent.exited;
      }),
    );
  }
}
