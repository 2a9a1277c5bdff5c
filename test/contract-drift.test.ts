// openapi.yaml is the source of truth: the generated client types and the scheduler's zod
// schemas must say what it says. These checks fail CI the moment either drifts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as schemas from '../packages/scheduler/src/http/schemas.js';
import { assertResponseMatchesContract, contract } from './support/contract.js';

type JsonSchema = Record<string, unknown>;
const compared = ['type', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format', 'enum', 'minItems', 'maxItems', 'required', 'additionalProperties'];

function resolve(schema: JsonSchema): JsonSchema {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').at(-1)!;
    return resolve((contract as unknown as { components: { schemas: Record<string, JsonSchema> } }).components.schemas[name]!);
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...own } = schema;
    return Object.assign({}, ...(allOf as JsonSchema[]).map(resolve), own) as JsonSchema;
  }
  return schema;
}

/** Flattens a schema into `path → the facets that constrain input`, so differences print by field. */
function facets(schema: JsonSchema, path = '', out: Record<string, JsonSchema> = {}): Record<string, JsonSchema> {
  const resolved = resolve(schema);
  const picked: JsonSchema = {};
  for (const key of compared) {
    const value = resolved[key];
    if (value === undefined) continue;
    // zod spells "any safe integer" and a datetime's format as extra bounds; the contract leaves them implicit.
    if ((key === 'maximum' || key === 'minimum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'pattern' && resolved.format) continue;
    picked[key] = key === 'required' ? [...(value as string[])].sort() : value;
  }
  if (resolved.default !== undefined && typeof resolved.default !== 'object') picked.default = resolved.default;
  out[path || '/'] = picked;
  for (const [name, property] of Object.entries((resolved.properties ?? {}) as Record<string, JsonSchema>)) facets(property, `${path}/${name}`, out);
  if (resolved.items) facets(resolved.items as JsonSchema, `${path}/[]`, out);
  return out;
}

const pairs: Array<[string, z.ZodType]> = [
  ['JobInput', schemas.jobInputSchema],
  ['JobBatchInput', schemas.jobBatchInputSchema],
  ['BackoffInput', schemas.backoffInputSchema],
  ['RetryInput', schemas.retryInputSchema],
  ['AgentInfo', schemas.agentInfoSchema],
  ['LeaseInput', schemas.leaseInputSchema],
  ['HeartbeatInput', schemas.heartbeatInputSchema],
  ['ProgressInput', schemas.progressInputSchema],
  ['HeartbeatItemInput', schemas.heartbeatItemSchema],
  ['HeartbeatBatchInput', schemas.heartbeatBatchInputSchema],
  ['JobErrorInput', schemas.jobErrorInputSchema],
  ['CompleteInput', schemas.completeInputSchema],
  ['ReportItemInput', schemas.reportItemSchema],
  ['ReportBatchInput', schemas.reportBatchInputSchema],
];

describe('the scheduler validates exactly what openapi.yaml specifies', () => {
  it.each(pairs)('%s', (name, zodSchema) => {
    const fromZod = facets(z.toJSONSchema(zodSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    const fromContract = facets({ $ref: `#/components/schemas/${name}` });
    expect(fromZod).toEqual(fromContract);
  });
});

describe('the generated client', () => {
  it('checks names with the contract\'s pattern and length', async () => {
    const { namePattern, maxNameLength } = await import('@foreman/client');
    const jobType = resolve({ $ref: '#/components/schemas/JobType' });
    expect([namePattern.source, maxNameLength]).toEqual([jobType.pattern, jobType.maxLength]);
    expect(resolve({ $ref: '#/components/schemas/QueueName' })).toEqual(jobType);
  });

  it('is up to date with openapi.yaml', async () => {
    // @ts-expect-error: a plain ESM script without type declarations.
    const { renderSchemaTypes, schemaPath } = (await import('../packages/client/scripts/render-schema.mjs')) as {
      renderSchemaTypes(): Promise<string>;
      schemaPath: string;
    };
    const committed = readFileSync(schemaPath, 'utf8');
    expect(committed === (await renderSchemaTypes()), 'packages/client/src/schema.ts is stale: run `pnpm generate`').toBe(true);
  });
});

describe('the response validator used by every integration test', () => {
  it('rejects responses the contract does not allow', () => {
    expect(() => assertResponseMatchesContract('GET', '/healthz', 200, 'application/json', { status: 'ok' })).not.toThrow();
    expect(() => assertResponseMatchesContract('GET', '/healthz', 200, 'application/json', { status: 'fine' })).toThrow(/does not match/);
    expect(() => assertResponseMatchesContract('GET', '/jobs/abc', 500, 'application/problem+json', {})).toThrow(/does not document/);
    expect(() => assertResponseMatchesContract('POST', '/jobs/batch', 201, 'application/json', { jobs: [{ id: 'x' }] })).toThrow(/does not match/);
  });
});
