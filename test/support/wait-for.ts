import { eventually } from './worker-calls.js';

/** Waits until `predicate` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  await eventually(async () => predicate(), (held) => held, timeoutMs).catch(() => {
    throw new Error(`timed out waiting for ${what}`);
  });
}
