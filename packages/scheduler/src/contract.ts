// The OpenAPI contract, served verbatim at GET /openapi.yaml.
import { readFileSync } from 'node:fs';

/** Where openapi.yaml sits relative to this module, both in src/ and in dist/. */
export const contractUrl = new URL('../../../openapi.yaml', import.meta.url);

export function readContract(): string {
  return readFileSync(contractUrl, 'utf8');
}
