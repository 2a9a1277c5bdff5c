// Imports the --handlers modules and collects the job definitions they export.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { definitionFlaw, isJobDefinition, type JobDefinition } from './define-job.js';

/**
 * Each module may default-export an array of definitions (or one definition) and/or export definitions
 * by name; other named exports are ignored. A module that yields no definition is an error.
 */
export async function loadHandlers(modulePaths: readonly string[], cwd = process.cwd()): Promise<JobDefinition[]> {
  const found = new Set<JobDefinition>();
  for (const modulePath of modulePaths) {
    let exports: Record<string, unknown>;
    try {
      exports = await import(pathToFileURL(path.resolve(cwd, modulePath)).href);
    } catch (error) {
      throw new Error(`cannot load handlers module ${modulePath}: ${error instanceof Error ? error.message : String(error)}`);
    }
    let count = 0;
    for (const [name, value] of Object.entries(exports)) {
      if (name === 'default' && Array.isArray(value)) {
        value.forEach((item, index) => {
          if (!isJobDefinition(item)) {
            const flaw = definitionFlaw(item);
            throw new Error(`handlers module ${modulePath}: default export [${index}] is not a job definition${flaw ? `: ${flaw}` : ' made with defineJob'}`);
          }
          found.add(item);
          count++;
        });
      } else if (isJobDefinition(value)) {
        found.add(value);
        count++;
      } else {
        const flaw = definitionFlaw(value);
        if (flaw) throw new Error(`handlers module ${modulePath}: export ${name} is not a valid job definition: ${flaw}`);
      }
    }
    if (count === 0) {
      throw new Error(`handlers module ${modulePath} exports no job definitions (export them by name or as a default array)`);
    }
  }
  return [...found];
}
