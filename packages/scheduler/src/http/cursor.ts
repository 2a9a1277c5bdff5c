// Opaque list cursors: the position of the last job of a page, which clients must not parse.
import { InvalidInputError } from '../jobs/job-errors.js';
import type { ListPosition } from '../store/job-store.js';

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && Number.isSafeInteger(decoded[0]) && typeof decoded[1] === 'string' && !decoded[1].includes('\u0000')) {
      return { createdAt: decoded[0] as number, id: decoded[1] };
    }
  } catch {
    // Falls through to the same answer as a well-formed but foreign cursor.
  }
  throw new InvalidInputError([{ path: '/cursor', message: 'is not a cursor returned by this API' }]);
}
