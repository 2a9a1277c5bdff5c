// The tokens file (or FOREMAN_TOKENS): each token's name, the SHA-256 of its secret, its scopes
// and, optionally, the worker ids it may act as. Secrets themselves are never stored.
import { z } from 'zod';
import { fieldErrors } from '../read-request.js';
import { scopes, type Scope } from './scopes.js';

export const tokenEntrySchema = z.strictObject({
  name: z.string().min(1).max(128),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits (the SHA-256 of the token)'),
  scopes: z.array(z.enum(scopes)).min(1),
  worker_ids: z.array(z.string().min(1).max(128)).min(1).optional(),
});

const tokenListSchema = z
  .strictObject({ tokens: z.array(tokenEntrySchema) })
  .refine(({ tokens }) => new Set(tokens.map((token) => token.name)).size === tokens.length, { message: 'token names must be unique', path: ['tokens'] });

export type TokenEntry = z.output<typeof tokenEntrySchema>;

export interface KnownToken {
  name: string;
  hash: Buffer;
  scopes: ReadonlySet<Scope>;
  workerIds: ReadonlySet<string> | null;
}

export class TokenListError extends Error {}

/** Parses a tokens document; `origin` names it in errors (a file path or FOREMAN_TOKENS). */
export function parseTokenList(text: string, origin: string): KnownToken[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text it failed on, and a token pasted here by mistake is a secret.
    throw new TokenListError(`${origin}: malformed JSON (its text is not repeated here, as it may hold a token)`);
  }
  const parsed = tokenListSchema.safeParse(json);
  if (!parsed.success) {
    throw new TokenListError(`${origin}: ${fieldErrors(parsed.error).map((error) => `${error.path || '(document)'} ${error.message}`).join('; ')}`);
  }
  return parsed.data.tokens.map((token) => ({
    name: token.name,
    hash: Buffer.from(token.sha256, 'hex'),
    scopes: new Set(token.scopes),
    workerIds: token.worker_ids ? new Set(token.worker_ids) : null,
  }));
}
