// Resolves a job-supplied path inside the file root, refusing any that escapes it lexically or through a symlink.
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { JobError } from '../job-error.js';

/**
 * Returns the absolute, normalised path of `requested` (relative to `root`, or absolute) if the real path
 * of its nearest existing ancestor lies inside the real root; that one test catches `../`, absolute paths
 * and symlinks alike. A dangling symlink on the way is refused, since where it would land cannot be
 * checked. Check and use are not atomic: this guards against careless or hostile payloads, not against a
 * local process racing to swap links inside the root.
 */
export async function confinePath(root: string, requested: string): Promise<string> {
  const target = path.resolve(root, requested);
  const real = await realpathOfNearestExisting(target, requested);
  if (!isWithin(await realpath(root), real)) throw escape(requested);
  return target;
}

function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function escape(requested: string): JobError {
  return new JobError(`path ${JSON.stringify(requested)} escapes the file root`, { code: 'path_escape', retryable: false });
}

async function realpathOfNearestExisting(target: string, requested: string): Promise<string> {
  for (let current = target; ; current = path.dirname(current)) {
    try {
      return await realpath(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(current) === current) throw error;
      if (await exists(current)) throw escape(requested);
    }
  }
}

// realpath said ENOENT; if lstat still finds the entry, it is a symlink pointing nowhere.
async function exists(entry: string): Promise<boolean> {
  try {
    await lstat(entry);
    return true;
  } catch {
    return false;
  }
}
