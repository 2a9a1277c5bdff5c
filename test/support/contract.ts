// Validates real responses against openapi.yaml, so a test fails whenever the server says
// something the contract does not allow.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | { $ref: string }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> } };

export const contractText = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8');
export const contract = parse(contractText) as Document;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...contract, $id: 'openapi.json' });

const validators = new Map<string, ValidateFunction>();
function validatorFor(pointer: string): ValidateFunction {
  let validator = validators.get(pointer);
  if (!validator) {
    validator = ajv.compile({ $ref: `openapi.json#${pointer}` });
    validators.set(pointer, validator);
  }
  return validator;
}

const templates = Object.keys(contract.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The contract's path template for a concrete path, preferring literal segments (`/jobs/batch` over `/jobs/{id}`). */
export function templateOf(pathname: string): string | undefined {
  const matching = templates.filter(({ pattern }) => pattern.test(pathname));
  matching.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return matching[0]?.template;
}

const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Throws unless the contract documents this response for this operation and its body matches the schema. */
export function assertResponseMatchesContract(method: string, pathname: string, status: number, contentType: string, body: unknown): void {
  const template = templateOf(pathname);
  if (!template) throw new Error(`${method} ${pathname} is not in openapi.yaml`);
  const operation = contract.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in openapi.yaml`);
  const documented = operation.responses?.[String(status)];
  if (!documented) throw new Error(`${method} ${template} answered ${status}, which openapi.yaml does not document`);
  let responsePointer = `/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}`;
  let response = documented;
  if ('$ref' in response) {
    responsePointer = response.$ref.slice(1);
    response = contract.components.responses[response.$ref.split('/').at(-1)!]!;
  }
  const mediaType = contentType.split(';')[0]!.trim();
  if (!response.content?.[mediaType]) {
    throw new Error(`${method} ${template} ${status} answered ${mediaType}, which openapi.yaml does not document`);
  }
  if (mediaType.endsWith('json')) {
    const validate = validatorFor(`${responsePointer}/content/${escape(mediaType)}/schema`);
    if (!validate(body)) {
      throw new Error(`${method} ${pathname} ${status} does not match openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  }
}
