// The job statuses of the API and how the stored states map onto them.
import type { JobState } from '../store/schema.js';

export const jobStatuses = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export function statusOfState(state: JobState): JobStatus {
  return state === 'scheduled' || state === 'available' ? 'pending' : state;
}

export function isTerminal(state: JobState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}
