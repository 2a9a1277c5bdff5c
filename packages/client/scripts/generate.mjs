// Regenerates src/schema.ts from the repository's openapi.yaml.
// `--check` exits 1 instead of writing when the committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { renderSchemaTypes, schemaPath } from './render-schema.mjs';

const check = process.argv.includes('--check');
const rendered = await renderSchemaTypes();
const committed = await readFile(schemaPath, 'utf8').catch(() => '');
if (rendered === committed) {
  console.log('src/schema.ts is up to date with openapi.yaml');
} else if (check) {
  console.error('src/schema.ts is stale: run `pnpm generate` and commit the result');
  process.exit(1);
} else {
  await writeFile(schemaPath, rendered);
  console.log('wrote src/schema.ts');
}
