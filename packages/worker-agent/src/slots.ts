// Counts busy job slots so the agent never runs more than its concurrency, and wakes the poller when one frees.
export interface Slots {
  readonly busy: number;
  readonly free: number;
  take(): void;
  release(): void;
  /** Resolves as soon as a slot is free, or when `signal` aborts. */
  whenFree(signal: AbortSignal): Promise<void>;
}

export function createSlots(capacity: number): Slots {
  let busy = 0;
  let waiters: Array<() => void> = [];
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
  };
}
