// foreman-agent's entry point: parses flags, loads handler modules, runs the agent until SIGTERM or SIGINT.
import { createAgent } from './agent.js';
import { flagFor, parseCliArgs, USAGE } from './cli-args.js';
import { ConfigError } from './config.js';
import { loadHandlers } from './load-handlers.js';

/** Exits 2 on bad flags, 0 after a graceful shutdown or a drain, 1 if a second signal cuts the shutdown short. */
export async function runCli(argv: string[]): Promise<void> {
  let agent;
  try {
    const args = parseCliArgs(argv, process.env);
    if (args.help) {
      process.stdout.write(USAGE);
      return;
    }
    const handlers = await loadHandlers(args.handlerPaths);
    agent = createAgent({ ...args.options, handlers });
  } catch (error) {
    process.stderr.write(`foreman-agent: ${describe(error)}\nRun 'foreman-agent --help' for usage.\n`);
    process.exitCode = 2;
    return;
  }

  // Listen before starting, so a signal that arrives early still means a graceful stop.
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await agent.start();
  // A drain asked for by an operator ends the agent as well, once its jobs are reported.
  const drainedFirst = await Promise.race([stopRequested.then(() => false), agent.drained.then(() => true)]);
  if (drainedFirst) process.exit(0);
  // A second signal means the operator will not wait for reports still being retried.
  const force = () => {
    process.stderr.write('foreman-agent: second signal; exiting before every outcome was reported\n');
    process.exit(1);
  };
  process.on('SIGTERM', force);
  process.on('SIGINT', force);
  await agent.stop();
  // Handlers that ignored their abort signal may still hold the event loop open.
  process.exit(0);
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) {
    return error.issues.map((issue) => `${flagFor(issue.option)}: ${issue.message}`).join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}
