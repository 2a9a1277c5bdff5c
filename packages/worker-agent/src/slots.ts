// Counts busy slots (jobs held, handlers running) so the agent never goes past its limits, and wakes whoever waits when one frees.
export interface Slots {
  readonly busy: number;
  readonly free: number;
  take(): void;
  release(): void;
  /** Resolves as soon as a slot is free, or when `signal` aborts. */
  whenFree(signal: AbortSignal): Promise<void>;
  /**
   * Takes a slot once one is free, first come first served; false, with nothing taken, if
   * `signal` aborts first.
   */
  acquire(signal: AbortSignal): Promise<boolean>;
}

export function createSlots(capacity: number): Slots {
  let busy = 0;
  let waiters: Array<() => void> = [];
  // A released slot passes straight to the longest-waiting acquirer, so none is woken for nothing.
  const acquirers: Array<() => void> = [];
  return {
    get busy() {
      return busy;
    },
    get free() {
      return capacity - busy;
    },
    take() {
      busy++;
    },
    release() {
      const next = acquirers.shift();
      if (next) return next();
      busy--;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
    whenFree(signal) {
      if (busy < capacity || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        waiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    },
    acquire(signal) {
      if (signal.aborted) return Promise.resolve(false);
      if (busy < capacity) {
        busy++;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const handOver = () => {
          signal.removeEventListener('abort', giveUp);
          resolve(true);
        };
        const giveUp = () => {
          acquirers.splice(acquirers.indexOf(handOver), 1);
          resolve(false);
        };
        acquirers.push(handOver);
        signal.addEventListener('abort', giveUp, { once: true });
      });
    },
  };
}
