// Reads and validates request bodies and queries, turning every defect into a 400 that names
// the offending field.
import type { Context } from 'hono';
import type { z } from 'zod';
import { InvalidInputError, type FieldError } from '../jobs/job-errors.js';

/** Deeper JSON than this is refused before it reaches code that recurses over it. */
export const maxJsonDepth = 64;

export class UnsupportedMediaTypeError extends Error {}

function pointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * One error per field: a value that breaks several rules gets them in one message. `found`
 * are errors found before the schema ran (numbers too large to represent), listed first.
 */
export function fieldErrors(error: z.ZodError | undefined, found: FieldError[] = []): FieldError[] {
  const messages = new Map<string, string[]>();
  const add = (path: string, message: string) => {
    const known = messages.get(path);
    if (!known) messages.set(path, [message]);
    else if (!known.includes(message)) known.push(message);
  };
  for (const { path, message } of found) add(path, message);
  for (const issue of error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add(pointer([...issue.path, key]), 'is not a known field');
    else add(pointer(issue.path), issue.message);
  }
  return [...messages].map(([path, all]) => ({ path, message: all.join('; ') }));
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, found: FieldError[] = []): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success || found.length) throw new InvalidInputError(fieldErrors(parsed.error, found));
  return parsed.data;
}

function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92 /* \ */) i++;
      else if (char === 34 /* " */) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 /* { */ || char === 91 /* [ */) deepest = Math.max(deepest, ++depth);
    else if (char === 125 /* } */ || char === 93 /* ] */) depth--;
  }
  return deepest;
}

/**
 * A number literal that JSON.parse may turn into ±Infinity: 309 digits or more, or a positive
 * exponent of three. Only after `:`, `[` or `,`, so ids and other strings rarely set off the walk.
 */
const mayOverflowNumber = /[:,[]\s*-?(?:\d{309}|[\d.]+[eE]\+?\d{3})/;

/** Adds to `found` the pointer to every number in `value` that is not finite. */
function nonFiniteNumbers(value: unknown, path: string, found: string[]): string[] {
  if (typeof value === 'number' && !Number.isFinite(value)) found.push(path);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) nonFiniteNumbers(item, `${path}${pointer([key])}`, found);
  }
  return found;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or null when its bytes are not UTF-8 (decoding them would swap in U+FFFD silently). */
function decodeUtf8(bytes: ArrayBuffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function assertJsonMediaType(c: Context): void {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`The body must be application/json, not ${JSON.stringify(contentType || '(none)')}.`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new UnsupportedMediaTypeError(`The body must be UTF-8 JSON, not charset ${JSON.stringify(charset)}.`);
  }
  const encoding = c.req.header('content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new UnsupportedMediaTypeError(`The body must not be encoded (content-encoding ${JSON.stringify(encoding)}): send plain JSON.`);
  }
}

/**
 * Parses the JSON body; an absent body reads as `undefined` so optional bodies may be left out.
 * Numbers too large to represent are named in `overflowing`, to be reported with the body's other faults.
 */
async function readJson(c: Context): Promise<{ body: unknown; overflowing: FieldError[] }> {
  const text = decodeUtf8(await c.req.arrayBuffer());
  if (text?.trim() === '') return { body: undefined, overflowing: [] };
  assertJsonMediaType(c);
  if (text === null) throw new InvalidInputError([{ path: '', message: 'is not valid UTF-8' }]);
  if (jsonDepth(text) > maxJsonDepth) {
    throw new InvalidInputError([{ path: '', message: `JSON nested deeper than ${maxJsonDepth} levels is not accepted` }]);
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError([{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
  // Stored, such a number would silently become null; the text test keeps the walk off the hot path.
  const overflowing = mayOverflowNumber.test(text) ? nonFiniteNumbers(body, '', []) : [];
  return { body, overflowing: overflowing.map((path) => ({ path, message: 'is a number too large to represent (beyond ±1.8e308)' })) };
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const { body, overflowing } = await readJson(c);
  if (body === undefined) throw new InvalidInputError([{ path: '', message: 'a JSON body is required' }]);
  return validate(schema, body, overflowing);
}

export async function readOptionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const { body, overflowing } = await readJson(c);
  return validate(schema, body === undefined ? {} : body, overflowing);
}
