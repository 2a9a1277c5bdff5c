// Reads a job's event history as a sequence of leases: each must end before the next begins,
// and exactly one must end in an accepted completion by the worker that held it.
export interface LeaseEvent {
  type: string;
  worker_id: string | null;
  version: number;
}

/** Events that end the lease in force (a retry scheduled by a failure report ends it too). */
const leaseEnds = new Set(['lease_expired', 'lease_released', 'retry_scheduled', 'failed', 'cancelled']);

/** What is wrong with one job's history (in event order); empty when nothing is. */
export function leaseViolations(events: readonly LeaseEvent[]): string[] {
  const violations: string[] = [];
  let holder: LeaseEvent | null = null;
  let completions = 0;
  for (const event of events) {
    if (event.type === 'leased') {
      if (holder) violations.push(`leased to ${event.worker_id} at version ${event.version} while ${holder.worker_id} held version ${holder.version}`);
      holder = event;
    } else if (event.type === 'completed') {
      completions++;
      if (!holder || holder.worker_id !== event.worker_id || event.version !== holder.version + 1) {
        violations.push(`completed by ${event.worker_id} at version ${event.version} without holding the lease`);
      }
      holder = null;
    } else if (leaseEnds.has(event.type)) {
      holder = null;
    }
  }
  if (completions !== 1) violations.push(`${completions} accepted completions`);
  return violations;
}
