// Tokens for tests: minted as `foreman-scheduler token` mints them, kept in a tokens file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken, type MintedToken } from '@foreman/scheduler';
import { tempDir } from './temp-dir.js';

export function token(name: string, scopes: string, workerIds?: string): MintedToken {
  return mintToken(['--name', name, '--scopes', scopes, ...(workerIds ? ['--worker-ids', workerIds] : [])]);
}

export interface TokensFile {
  path: string;
  /** Replaces the file's tokens, as an operator revoking or adding one would. */
  write(tokens: MintedToken[]): void;
  remove(): void;
}

export function tokensFile(tokens: MintedToken[]): TokensFile {
  const dir = tempDir('foreman-tokens-');
  const path = join(dir.path, 'tokens.json');
  const write = (list: MintedToken[]) => writeFileSync(path, JSON.stringify({ tokens: list.map((minted) => minted.entry) }, null, 2));
  write(tokens);
  return { path, write, remove: dir.remove };
}

export function bearer(minted: MintedToken | string): Record<string, string> {
  return { authorization: `Bearer ${typeof minted === 'string' ? minted : minted.token}` };
}
