import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobError } from '../job-error.js';
import { runHandler } from '../test-support/run-handler.js';
import { createFileJob, type FilePayload } from './file.js';

let sandbox: string;
let root: string;
let outside: string;
let fileJob: ReturnType<typeof createFileJob>;

beforeEach(async () => {
  sandbox = await realpath(await mkdtemp(path.join(tmpdir(), 'foreman-file-')));
  root = path.join(sandbox, 'root');
  outside = path.join(sandbox, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'secret');
  fileJob = createFileJob(root);
});
afterEach(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

const run = (payload: FilePayload) => runHandler(fileJob, payload);
const refused = async (payload: FilePayload, code = 'path_escape') => {
  const error = await run(payload).then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(JobError);
  expect(error).toMatchObject({ code, retryable: false });
};
const inRoot = (...parts: string[]) => readFile(path.join(root, ...parts), 'utf8');

describe('file job', () => {
  it('writes (creating parents), appends and decodes base64', async () => {
    expect(await run({ op: 'write', path: 'a/b/c.txt', content: 'hello' })).toEqual({ op: 'write', path: 'a/b/c.txt', bytes: 5 });
    await run({ op: 'append', path: 'a/b/c.txt', content: toBase64(' world'), encoding: 'base64' });
    expect(await inRoot('a', 'b', 'c.txt')).toBe('hello world');
  });

  it('copies, moves, makes directories and deletes', async () => {
    await run({ op: 'write', path: 'src.txt', content: 'data' });
    await run({ op: 'copy', from: 'src.txt', to: 'copies/one.txt' });
    await run({ op: 'move', from: 'src.txt', to: 'moved.txt' });
    await run({ op: 'mkdir', path: 'empty/dir' });
    expect(await inRoot('copies', 'one.txt')).toBe('data');
    expect(await inRoot('moved.txt')).toBe('data');
    expect(existsSync(path.join(root, 'src.txt'))).toBe(false);
    expect(existsSync(path.join(root, 'empty', 'dir'))).toBe(true);

    expect(await run({ op: 'delete', path: 'copies', recursive: true })).toMatchObject({ deleted: true });
    expect(existsSync(path.join(root, 'copies'))).toBe(false);
    // A retried delete finds nothing and still succeeds.
    expect(await run({ op: 'delete', path: 'copies', recursive: true })).toMatchObject({ deleted: false });
  });

  it('accepts an absolute path inside the root', async () => {
    await run({ op: 'write', path: path.join(root, 'abs.txt'), content: 'ok' });
    expect(await inRoot('abs.txt')).toBe('ok');
  });

  it('refuses ../ escapes and absolute paths outside the root', async () => {
    await refused({ op: 'write', path: '../../etc/passwd', content: 'x' });
    await refused({ op: 'write', path: '../outside/new.txt', content: 'x' });
    await refused({ op: 'copy', from: '/etc/passwd', to: 'passwd' });
    await refused({ op: 'delete', path: path.join(outside, 'secret.txt') });
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(path.join(root, 'passwd'))).toBe(false);
    expect(existsSync(path.join(outside, 'secret.txt'))).toBe(true);
  });

  it('refuses paths that leave the root through a symlink', async () => {
    await symlink(outside, path.join(root, 'link-dir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-file'));
    await refused({ op: 'write', path: 'link-dir/new.txt', content: 'x' });
    await refused({ op: 'copy', from: 'link-file', to: 'stolen.txt' });
    await refused({ op: 'append', path: 'link-file', content: 'x' });
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(path.join(root, 'stolen.txt'))).toBe(false);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses a dangling symlink, which would create its target outside the root', async () => {
    await symlink(path.join(outside, 'planted.txt'), path.join(root, 'dangling'));
    await refused({ op: 'write', path: 'dangling', content: 'x' });
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false);
  });

  it('refuses to delete the root itself', async () => {
    await refused({ op: 'delete', path: '.', recursive: true });
    expect(existsSync(root)).toBe(true);
  });

  it('reports file system errors with their errno, permanent ones as not retryable', async () => {
    await refused({ op: 'copy', from: 'missing.txt', to: 'x.txt' }, 'fs_enoent');
  });

  it('refuses unknown operations', () => {
    expect(fileJob.schema?.safeParse({ op: 'chmod', path: 'x' }).success).toBe(false);
    expect(fileJob.schema?.safeParse({ op: 'write', path: 'x' }).success).toBe(false);
  });

  it('refuses content that is not base64 when it says it is, naming the field', () => {
    const parsed = fileJob.schema?.safeParse({ op: 'append', path: 'x', content: '!!!notbase64', encoding: 'base64' });
    expect(parsed?.error?.issues).toEqual([expect.objectContaining({ path: ['content'], message: 'is not valid base64' })]);
    expect(fileJob.schema?.safeParse({ op: 'write', path: 'x', content: '!!!plain text', encoding: 'utf8' }).success).toBe(true);
  });

  it('writes base64 as encoders emit it: wrapped at 76 columns, unpadded, or in the URL alphabet', async () => {
    const bytes = Buffer.from(Array.from({ length: 200 }, (_, index) => (index * 37) % 256));
    const wrapped = bytes.toString('base64').replace(/.{76}/g, '$&\n');
    await run({ op: 'write', path: 'wrapped.bin', content: wrapped, encoding: 'base64' });
    await run({ op: 'write', path: 'unpadded.bin', content: bytes.subarray(0, 10).toString('base64').replace(/=+$/, ''), encoding: 'base64' });
    await run({ op: 'write', path: 'url.bin', content: bytes.toString('base64url'), encoding: 'base64' });
    expect(await readFile(path.join(root, 'wrapped.bin'))).toEqual(bytes);
    expect(await readFile(path.join(root, 'unpadded.bin'))).toEqual(bytes.subarray(0, 10));
    expect(await readFile(path.join(root, 'url.bin'))).toEqual(bytes);
  });
});

function toBase64(text: string): string {
  return Buffer.from(text).toString('base64');
}
