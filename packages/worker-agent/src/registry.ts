// Decides which handler runs each job type: the built-ins, then the user's definitions, which may replace a built-in but not each other.
import { statSync } from 'node:fs';
import { ConfigError, type AgentConfig } from './config.js';
import type { JobDefinition } from './define-job.js';
import { createFileJob } from './handlers/file.js';
import { httpJob } from './handlers/http.js';
import { sleepJob } from './handlers/sleep.js';

export function buildRegistry(config: Pick<AgentConfig, 'handlers' | 'fileRoot' | 'types'>): ReadonlyMap<string, JobDefinition> {
  const registry = new Map<string, JobDefinition>([
    [httpJob.type, httpJob],
    [sleepJob.type, sleepJob],
  ]);
  if (config.fileRoot !== undefined) {
    if (!isDirectory(config.fileRoot)) {
      throw new ConfigError([{ option: 'fileRoot', message: `${config.fileRoot} is not an existing directory` }]);
    }
    const fileJob = createFileJob(config.fileRoot);
    registry.set(fileJob.type, fileJob);
  }
  const seen = new Set<string>();
  for (const definition of config.handlers) {
    if (seen.has(definition.type)) {
      throw new ConfigError([{ option: 'handlers', message: `more than one handler for type ${definition.type}` }]);
    }
    seen.add(definition.type);
    registry.set(definition.type, definition);
  }
  const unhandled = (config.types ?? []).filter((type) => !registry.has(type));
  if (unhandled.length > 0) {
    throw new ConfigError([{ option: 'types', message: `no handler for ${unhandled.join(', ')}` }]);
  }
  return registry;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
