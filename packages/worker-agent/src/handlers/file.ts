// Built-in "file" job: write, append, copy, move, delete and mkdir, confined to one root directory.
import { appendFile, copyFile, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineJob, type JobDefinition } from '../define-job.js';
import { JobError } from '../job-error.js';
import { confinePath } from './confine-path.js';

const filePath = z
  .string()
  .min(1)
  .refine((value) => !value.includes('\0'), 'must not contain NUL');
const content = { content: z.string(), encoding: z.enum(['utf8', 'base64']).default('utf8') };
// Node decodes whatever it is given and drops what is not base64, so garbage would be written.
// What Node decodes faithfully passes: line breaks (76-column output), missing padding, the URL alphabet.
const isBase64 = (text: string) => {
  const compact = text.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) && compact.replace(/=+$/, '').length % 4 !== 1;
};
const writing = (op: 'write' | 'append') =>
  z.strictObject({ op: z.literal(op), path: filePath, ...content }).refine((payload) => payload.encoding !== 'base64' || isBase64(payload.content), {
    message: 'is not valid base64',
    path: ['content'],
  });

export const filePayload = z.discriminatedUnion('op', [
  writing('write'),
  writing('append'),
  z.strictObject({ op: z.literal('copy'), from: filePath, to: filePath }),
  z.strictObject({ op: z.literal('move'), from: filePath, to: filePath }),
  z.strictObject({ op: z.literal('delete'), path: filePath, recursive: z.boolean().default(false) }),
  z.strictObject({ op: z.literal('mkdir'), path: filePath }),
]);

export type FilePayload = z.input<typeof filePayload>;
type Op = z.output<typeof filePayload>;

// Errors that retrying the same payload cannot fix.
const PERMANENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EACCES', 'EPERM', 'ENOTEMPTY', 'EINVAL', 'ELOOP', 'ENAMETOOLONG', 'EXDEV']);

/** The `file` job for one root directory; every path in a payload is resolved against it. */
export function createFileJob(root: string): JobDefinition<Op, Record<string, unknown>> {
  const rootPath = path.resolve(root);
  const inside = (requested: string) => confinePath(rootPath, requested);
  const shown = (absolute: string) => path.relative(rootPath, absolute) || '.';

  const perform = async (payload: Op): Promise<Record<string, unknown>> => {
    switch (payload.op) {
      case 'write':
      case 'append': {
        const target = await inside(payload.path);
        await mkdir(path.dirname(target), { recursive: true });
        const data = Buffer.from(payload.content, payload.encoding);
        await (payload.op === 'write' ? writeFile : appendFile)(target, data);
        return { op: payload.op, path: shown(target), bytes: data.byteLength };
      }
      case 'copy':
      case 'move': {
        const from = await inside(payload.from);
        const to = await inside(payload.to);
        await mkdir(path.dirname(to), { recursive: true });
        await (payload.op === 'copy' ? copyFile : rename)(from, to);
        return { op: payload.op, from: shown(from), to: shown(to) };
      }
      case 'delete': {
        const target = await inside(payload.path);
        if (target === rootPath) throw new JobError('refusing to delete the file root', { code: 'path_escape', retryable: false });
        // Deleting what is already gone succeeds, so a retried delete job is harmless.
        const existed = await lstat(target).then(() => true, () => false);
        await rm(target, { recursive: payload.recursive, force: true });
        return { op: 'delete', path: shown(target), deleted: existed };
      }
      case 'mkdir': {
        const target = await inside(payload.path);
        await mkdir(target, { recursive: true });
        return { op: 'mkdir', path: shown(target) };
      }
    }
  };

  return defineJob({
    type: 'file',
    schema: filePayload,
    async handler(payload) {
      try {
        return await perform(payload);
      } catch (error) {
        throw toJobError(error);
      }
    },
  });
}

function toJobError(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (error instanceof JobError || typeof code !== 'string') return error;
  const errno = code.replace(/^ERR_FS_/, '');
  return new JobError((error as Error).message, {
    code: `fs_${errno.toLowerCase()}`,
    retryable: !PERMANENT.has(errno),
    cause: error,
  });
}
