// Renders the TypeScript types for openapi.yaml exactly as they are committed in src/schema.ts.
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const contractUrl = new URL('../../../openapi.yaml', import.meta.url);
export const schemaPath = fileURLToPath(new URL('../src/schema.ts', import.meta.url));

const header = '// Generated from openapi.yaml by `pnpm generate`; do not edit by hand.\n\n';

export async function renderSchemaTypes() {
  const ast = await openapiTS(contractUrl, { exportType: true, defaultNonNullable: false });
  return header + astToString(ast);
}
