// Job ids are UUIDv7: time-ordered, so ids sort like their creation, and strictly increasing
// within this process, so jobs made in the same millisecond keep their order. The random bytes
// come from a pool filled once per 256 ids: the library's own source asks the operating system
// for 16 bytes per id, which cost more than the rest of an enqueue's bookkeeping together.
import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

const idsPerFill = 256;
const pool = new Uint8Array(idsPerFill * 16);
let poolOffset = pool.length;
let lastMsecs = -Infinity;
let sequence = 0;

export function newJobId(now: number): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const random = pool.subarray(poolOffset, (poolOffset += 16));
  // As the library does for ids it times itself: a random start each millisecond, then +1.
  if (now > lastMsecs) {
    lastMsecs = now;
    sequence = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMsecs++;
  }
  return uuidv7({ random, msecs: lastMsecs, seq: sequence });
}
