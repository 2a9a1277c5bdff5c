// `foreman-scheduler token`: makes a new random token and prints it with its tokens-file entry.
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { scopes, type Scope } from './http/auth/scopes.js';
import { tokenEntrySchema } from './http/auth/token-list.js';

export const tokenUsage = `Usage: foreman-scheduler token --name NAME --scopes SCOPES [--worker-ids IDS]

  --name NAME        what the token is for, e.g. ci or workers-eu (shown in logs and errors)
  --scopes SCOPES    comma-separated: ${scopes.join(', ')}
  --worker-ids IDS   comma-separated worker ids the token may act as (default: any)

Prints the token, once, and the entry to add to the "tokens" array of the tokens file.
The scheduler keeps only the SHA-256 of the token.`;

export interface MintedToken {
  token: string;
  entry: { name: string; sha256: string; scopes: Scope[]; worker_ids?: string[] };
}

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

export function mintToken(argv: string[]): MintedToken {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, scopes: { type: 'string' }, 'worker-ids': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (!values.name) throw new ConfigError('--name is required');
  const wanted = list(values.scopes);
  const unknown = wanted.filter((scope) => !(scopes as readonly string[]).includes(scope));
  if (wanted.length === 0 || unknown.length) throw new ConfigError(`--scopes must list one or more of ${scopes.join(', ')}`);
  const workerIds = list(values['worker-ids']);
  // Left empty, the token would serve any worker: the opposite of what binding it asked for.
  if (values['worker-ids'] !== undefined && workerIds.length === 0) {
    throw new ConfigError('--worker-ids names no worker id; leave it out for a token that may act as any worker');
  }
  const token = `fmn_${randomBytes(32).toString('base64url')}`;
  const entry = {
    name: values.name,
    sha256: createHash('sha256').update(token).digest('hex'),
    scopes: [...new Set(wanted)] as Scope[],
    ...(workerIds.length && { worker_ids: workerIds }),
  };
  // The entry must be one the scheduler accepts in its tokens file.
  const checked = tokenEntrySchema.safeParse(entry);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const flags: Record<string, string> = { name: '--name', worker_ids: '--worker-ids', scopes: '--scopes' };
    throw new ConfigError(`${flags[String(issue.path[0])] ?? 'the token entry'}: ${issue.message}`);
  }
  return { token, entry };
}

export function printMintedToken({ token, entry }: MintedToken): string {
  return [
    'Token (shown only now; clients send it as "Authorization: Bearer <token>"):',
    token,
    '',
    'Entry for the "tokens" array of the tokens file:',
    JSON.stringify(entry),
  ].join('\n');
}
