// Logs losing the scheduler once when it happens and once when it ends, however many retries lie between.
import type { Logger } from 'pino';

export interface OutageTracker {
  failed(reason: unknown): void;
  succeeded(): void;
}

export function createOutageTracker(logger: Logger): OutageTracker {
  let down = false;
  return {
    failed(reason) {
      const details = reason instanceof Error ? { err: reason } : { reason };
      if (down) {
        logger.debug(details, 'scheduler still unreachable');
        return;
      }
      down = true;
      logger.warn(details, 'scheduler unreachable; retrying with backoff');
    },
    succeeded() {
      if (!down) return;
      down = false;
      logger.info('scheduler reachable again');
    },
  };
}
