// A validated enqueue request for tests that work below the HTTP layer.
import type { JobSpec } from './new-job.js';

export const testJobSpec: JobSpec = {
  type: 't',
  payload: null,
  queue: 'default',
  priority: 0,
  max_attempts: 1,
  backoff: { strategy: 'fixed', base_ms: 0, max_ms: 0, jitter: false },
  timeout_ms: 1000,
  lease_ms: 30_000,
};
