// Secure by default, as real processes: no tokens means loopback only, unless --insecure; the
// `token` command makes tokens the scheduler accepts; bad security settings stop it at start.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSchedulerCli as runCli, schedulersStoppedAfterEach, tempDir } from './support/scheduler.js';
import { makeCertificates } from './support/certificates.js';
import { bearer } from './support/tokens.js';

const dir = tempDir('foreman-startup-');
const db = () => join(dir.path, `${Math.random().toString(36).slice(2)}.db`);
const schedulers = schedulersStoppedAfterEach();
const certificates = makeCertificates();
afterAll(() => {
  dir.remove();
  certificates.remove();
});

function mint(args: string[]): { token: string; entry: Record<string, unknown> } {
  const { status, stdout } = runCli(['token', ...args]);
  expect(status).toBe(0);
  const lines = stdout.trim().split('\n');
  return { token: lines[1]!, entry: JSON.parse(lines.at(-1)!) as Record<string, unknown> };
}

describe('without tokens', () => {
  it('refuses to listen beyond loopback, and says how to add tokens', () => {
    const { status, stderr } = runCli(['--host', '0.0.0.0', '--port', '0', '--db', db()]);
    expect(status).toBe(2);
    expect(stderr).toContain('refusing to listen on 0.0.0.0 without tokens');
    expect(stderr).toContain('foreman-scheduler token');
    expect(stderr).toContain('--tokens-file');
    expect(stderr).toContain('--insecure');
  });

  it('listens beyond loopback with --insecure, and warns', async () => {
    const running = await schedulers.spawn(db(), ['--host', '0.0.0.0', '--insecure']);
    expect(running.logs).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('without tokens (--insecure)') }));
    expect((await fetch(`http://127.0.0.1:${new URL(running.url).port}/stats`)).status).toBe(200);
  });

  it('warns that --rate-limit limits nothing, as it counts per token', async () => {
    const running = await schedulers.spawn(db(), ['--rate-limit', '5']);
    expect(running.logs).toContainEqual(expect.objectContaining({ level: 40, rate_limit: 5, msg: expect.stringContaining('it limits nothing') }));
  });

  it('serves loopback with every route open', async () => {
    const running = await schedulers.spawn(db());
    expect((await fetch(`${running.url}/workers`)).status).toBe(200);
  });
});

describe('with tokens', () => {
  it('makes a token with `foreman-scheduler token` whose entry holds only its hash', () => {
    const minted = mint(['--name', 'ci', '--scopes', 'producer,worker', '--worker-ids', 'a,b']);
    expect(minted.token).toMatch(/^fmn_[\w-]{43}$/);
    expect(minted.entry).toEqual({ name: 'ci', sha256: createHash('sha256').update(minted.token).digest('hex'), scopes: ['producer', 'worker'], worker_ids: ['a', 'b'] });
    expect(mint(['--name', 'ci', '--scopes', 'producer']).token).not.toBe(minted.token);
  });

  it.each([
    ['a tokens file', (file: string, document: string) => (writeFileSync(file, document), { flags: ['--tokens-file', file], env: {} })],
    ['FOREMAN_TOKENS', (_file: string, document: string) => ({ flags: [], env: { FOREMAN_TOKENS: document } })],
  ])('serves beyond loopback with tokens from %s, open only for health and the contract', async (_source, configure) => {
    const minted = mint(['--name', 'ops', '--scopes', 'admin']);
    const { flags, env } = configure(join(dir.path, `tokens-${Math.random()}.json`), JSON.stringify({ tokens: [minted.entry] }));
    const running = await schedulers.spawn(db(), ['--host', '0.0.0.0', ...flags], { env });
    const base = `http://127.0.0.1:${new URL(running.url).port}`;
    expect((await fetch(`${base}/workers`)).status).toBe(401);
    expect((await fetch(`${base}/workers`, { headers: bearer(minted.token) })).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/openapi.yaml`)).status).toBe(200);
  });
});

describe('bad security settings stop the scheduler at start', () => {
  it.each([
    ['a tokens file that does not exist', ['--tokens-file', '/nonexistent/tokens.json'], /--tokens-file \(FOREMAN_TOKENS_FILE\): \/nonexistent\/tokens\.json: cannot be read/],
    ['a tokens document that is not JSON', ['--tokens', '{tokens'], /--tokens \(FOREMAN_TOKENS\): malformed JSON/],
    ['a token entry with a bad hash', ['--tokens', '{"tokens":[{"name":"x","sha256":"abc","scopes":["admin"]}]}'], /\/tokens\/0\/sha256/],
    ['an unknown scope', ['--tokens', `{"tokens":[{"name":"x","sha256":"${'a'.repeat(64)}","scopes":["root"]}]}`], /\/tokens\/0\/scopes\/0/],
    ['a certificate without its key', ['--tls-cert', '/tmp/cert.pem'], /--tls-cert .*give both --tls-cert and --tls-key/],
    ['a key file that does not exist', () => ['--tls-cert', certificates.cert, '--tls-key', '/nonexistent/key.pem'], /--tls-key \(FOREMAN_TLS_KEY\): \/nonexistent\/key\.pem: cannot be read/],
    ['a key that is not the certificate\'s', () => ['--tls-cert', certificates.cert, '--tls-key', certificates.caKey], /--tls-cert and --tls-key \(FOREMAN_TLS_CERT, FOREMAN_TLS_KEY\): .*key values mismatch/],
    ['a certificate that is not PEM', () => ['--tls-cert', certificates.notPem, '--tls-key', certificates.key], /--tls-cert and --tls-key \(FOREMAN_TLS_CERT, FOREMAN_TLS_KEY\): /],
  ])('%s', (_what, given, message) => {
    const args = typeof given === 'function' ? given() : given;
    const { status, stderr } = runCli(['--port', '0', '--db', db(), ...args]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    // The reason, and where help is: not the whole usage text, which would bury it.
    expect(stderr).toContain("Run 'foreman-scheduler --help' for usage.");
    expect(stderr).not.toContain('Usage:');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('does not echo a FOREMAN_TOKENS value that is not JSON, which may be a token given by mistake', () => {
    const secret = 'fmn_SDifIYbSecretSecretSecret';
    const { status, stderr } = runCli(['--port', '0', '--db', db()], { env: { FOREMAN_TOKENS: secret } });
    expect(status).toBe(2);
    expect(stderr).toMatch(/--tokens \(FOREMAN_TOKENS\): malformed JSON/);
    expect(stderr).not.toContain('SDif');
  });

  it.each([
    ['a name longer than the tokens file takes', ['--name', 'x'.repeat(129), '--scopes', 'worker'], /--name/],
    ['a worker id longer than the tokens file takes', ['--name', 'w', '--scopes', 'worker', '--worker-ids', 'w'.repeat(129)], /--worker-ids/],
    ['worker ids that name none', ['--name', 'w', '--scopes', 'worker', '--worker-ids', ' , '], /--worker-ids/],
  ])('refuses a token command with %s, instead of printing an entry the scheduler would refuse', (_what, args, message) => {
    const { status, stderr, stdout } = runCli(['token', ...args]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('refuses a token command without a valid scope', () => {
    const { status, stderr } = runCli(['token', '--name', 'x', '--scopes', 'root']);
    expect(status).toBe(2);
    expect(stderr).toContain('--scopes must list one or more of producer, worker, admin');
  });
});
