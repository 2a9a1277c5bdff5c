import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandlers } from './load-handlers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'foreman-handlers-'));
  const modules = {
    'named.mjs': `export const a = { type: 'a', handler: () => 'a' };\nexport const b = { type: 'b', handler: () => 'b' };\nexport const helper = 42;\nexport default [a];`,
    'single.mjs': `export default { type: 'c', handler: () => 'c' };`,
    'none.mjs': `export const helper = () => 1;`,
    'junk.mjs': `export default [{ type: 'd', handler: () => 1 }, 'not a job'];`,
    'bad-type.mjs': `export const spaced = { type: 'bad type!', handler: () => 1 };`,
    'with-config.mjs': `export const config = { handler: 'express' };\nexport const job = { type: 'e', handler: () => 1 };`,
    'bad-default.mjs': `export default [{ type: 'ok', handler: 'not a function' }];`,
  };
  for (const [name, text] of Object.entries(modules)) await writeFile(path.join(dir, name), text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadHandlers', () => {
  it('collects named exports and default arrays or objects, each definition once', async () => {
    const definitions = await loadHandlers(['named.mjs', path.join(dir, 'single.mjs')], dir);
    expect(definitions.map((definition) => definition.type).sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails clearly on a module without definitions, junk in a default array, or a missing file', async () => {
    await expect(loadHandlers(['none.mjs'], dir)).rejects.toThrow(/none\.mjs exports no job definitions/);
    await expect(loadHandlers(['junk.mjs'], dir)).rejects.toThrow(/default export \[1\] is not a job definition/);
    await expect(loadHandlers(['missing.mjs'], dir)).rejects.toThrow(/cannot load handlers module missing\.mjs/);
  });

  it('leaves exports that are no attempt at a definition alone', async () => {
    expect((await loadHandlers(['with-config.mjs'], dir)).map((definition) => definition.type)).toEqual(['e']);
  });

  it('names what is wrong with a definition rather than saying there is none', async () => {
    await expect(loadHandlers(['bad-type.mjs'], dir)).rejects.toThrow(/bad-type\.mjs: export spaced is not a valid job definition: job type "bad type!" must be/);
    await expect(loadHandlers(['bad-default.mjs'], dir)).rejects.toThrow(/default export \[0\] is not a job definition: its handler is not a function/);
  });
});
