// One timer for every held job's heartbeat. When the first falls due, every job due within half
// its interval beats with it (early is harmless: the lease is extended from now), so jobs leased
// moments apart settle into one round, and the heartbeat sender makes each round one request.
export interface HeartbeatTicker {
  /** Calls `beat` about every `intervalMs` from now on; returns the stop. */
  every(intervalMs: number, beat: () => void): () => void;
}

interface Entry {
  intervalMs: number;
  dueAt: number;
  beat: () => void;
}

export function createHeartbeatTicker(): HeartbeatTicker {
  const entries = new Set<Entry>();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;

  const arm = () => {
    let next = Infinity;
    for (const entry of entries) next = Math.min(next, entry.dueAt);
    if (next === timerAt) return;
    clearTimeout(timer);
    timerAt = next;
    if (next !== Infinity) timer = setTimeout(fire, Math.max(0, next - performance.now()));
  };

  const fire = () => {
    timerAt = Infinity;
    const now = performance.now();
    for (const entry of entries) {
      if (entry.dueAt - entry.intervalMs / 2 > now) continue;
      entry.dueAt = now + entry.intervalMs;
      entry.beat();
    }
    arm();
  };

  return {
    every(intervalMs, beat) {
      const entry = { intervalMs, dueAt: performance.now() + intervalMs, beat };
      entries.add(entry);
      arm();
      return () => {
        entries.delete(entry);
        arm();
      };
    },
  };
}
