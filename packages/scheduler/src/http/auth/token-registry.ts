// The tokens in force: those of FOREMAN_TOKENS and of the tokens file, which is re-read when it
// changes so that a revoked token is refused without a restart.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { parseTokenList, TokenListError, type KnownToken } from './token-list.js';
import type { Principal } from './scopes.js';

export interface TokenSources {
  /** Path of a tokens file, watched for changes. */
  file?: string | undefined;
  /** A tokens document given inline (FOREMAN_TOKENS). */
  inline?: string | undefined;
}

export interface TokenRegistryEvents {
  reloaded(count: number): void;
  /** The file became unreadable or invalid; the tokens read before stay in force. */
  reloadFailed(error: unknown): void;
}

/** How often the tokens file's modification time is checked. */
const tokensFilePollMs = 500;

export class TokenRegistry {
  private fileTokens: KnownToken[];
  private readonly inlineTokens: KnownToken[];

  private constructor(
    private readonly sources: TokenSources,
    private readonly events: TokenRegistryEvents,
  ) {
    // Both throw on a bad document: a scheduler must not start with tokens it cannot read.
    this.inlineTokens = sources.inline === undefined ? [] : parseTokenList(sources.inline, '--tokens (FOREMAN_TOKENS)');
    this.fileTokens = sources.file === undefined ? [] : this.readFile(sources.file);
  }

  /** The registry for these sources, or null when neither is given (no authentication). */
  static open(sources: TokenSources, events: TokenRegistryEvents): TokenRegistry | null {
    if (sources.file === undefined && sources.inline === undefined) return null;
    const registry = new TokenRegistry(sources, events);
    if (sources.file !== undefined) watchFile(sources.file, { interval: tokensFilePollMs, persistent: false }, registry.onFileChange);
    return registry;
  }

  /** The principal a bearer token stands for, or null when it matches none. */
  authenticate(secret: string): Principal | null {
    const hash = createHash('sha256').update(secret).digest();
    let match: KnownToken | null = null;
    // Every known hash is compared, in constant time, so timing tells nothing about which matched.
    for (const token of [...this.inlineTokens, ...this.fileTokens]) {
      if (timingSafeEqual(hash, token.hash) && !match) match = token;
    }
    return match && { name: match.name, scopes: match.scopes, workerIds: match.workerIds };
  }

  close(): void {
    if (this.sources.file !== undefined) unwatchFile(this.sources.file, this.onFileChange);
  }

  private readFile(path: string): KnownToken[] {
    const origin = `--tokens-file (FOREMAN_TOKENS_FILE): ${path}`;
    let text;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new TokenListError(`${origin}: cannot be read: ${(error as Error).message}`);
    }
    return parseTokenList(text, origin);
  }

  private readonly onFileChange = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino) return;
    try {
      this.fileTokens = this.readFile(this.sources.file!);
      this.events.reloaded(this.fileTokens.length);
    } catch (error) {
      this.events.reloadFailed(error);
    }
  };
}
