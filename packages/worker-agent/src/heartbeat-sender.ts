// Sends the heartbeats that fall due in one turn of the event loop together: one POST /heartbeats
// keeps every lease it names alive with one request and one commit, where a heartbeat per job
// would cost an agent holding hundreds of jobs hundreds of requests every few seconds. A
// scheduler older than that endpoint answers it 404 (403 with tokens: an unknown route needs
// admin), and gets a request per job for a while, whose answers say whether each lease is lost.
// A batch over the scheduler's body limit (413: progress messages are up to 1 KiB each) goes
// again in halves.
import type { ForemanClient, HeartbeatInput, Job } from '@foreman/client';

export type Progress = NonNullable<HeartbeatInput['progress']>;

/** How the scheduler took one job's heartbeat: `status` is what POST /jobs/{id}/heartbeat would have answered. */
export interface HeartbeatAnswer {
  status: number;
  cancelRequested: boolean;
  drain: boolean;
  problem?: unknown;
}

/** Resolves with the scheduler's answer for this job; rejects when the scheduler could not be reached. */
export type HeartbeatSender = (job: Job, progress: Progress | undefined) => Promise<HeartbeatAnswer>;

/** The contract's limit on heartbeats per request. */
const maxHeartbeatsPerRequest = 1000;
/** How long heartbeats go one per job after the batch endpoint was refused, before it is tried again. */
const batchRetryAfterMs = 5 * 60_000;

interface QueuedBeat {
  job: Job;
  progress: Progress | undefined;
  resolve: (answer: HeartbeatAnswer) => void;
  reject: (error: unknown) => void;
}

export function createHeartbeatSender(client: ForemanClient, workerId: string): HeartbeatSender {
  let queue: QueuedBeat[] = [];
  let batchesRefusedAt = -Infinity;

  // Past the shortest lease_ms in the batch a lease is gone anyway; a hung connection must not hold later beats.
  const timeoutFor = (beats: QueuedBeat[]) => AbortSignal.timeout(Math.min(...beats.map((beat) => beat.job.lease_ms)));
  /** What a beat was answered when the request itself was refused. */
  const refused = (status: number, problem: unknown): HeartbeatAnswer => ({ status, cancelRequested: false, drain: false, problem });

  const sendOne = async (beat: QueuedBeat) => {
    const { job, progress, resolve, reject } = beat;
    try {
      const { data, error, response } = await client.POST('/jobs/{id}/heartbeat', {
        params: { path: { id: job.id } },
        body: { worker_id: workerId, version: job.version, ...(progress && { progress }) },
        signal: timeoutFor([beat]),
      });
      resolve(data ? { status: 200, cancelRequested: data.cancel_requested, drain: data.drain } : refused(response.status, error));
    } catch (error) {
      reject(error);
    }
  };

  const sendBatch = async (beats: QueuedBeat[]) => {
    try {
      const { data, error, response } = await client.POST('/heartbeats', {
        body: { worker_id: workerId, heartbeats: beats.map(({ job, progress }) => ({ id: job.id, version: job.version, ...(progress && { progress }) })) },
        signal: timeoutFor(beats),
      });
      if (!data && (response.status === 404 || response.status === 403)) {
        batchesRefusedAt = performance.now();
        beats.forEach((beat) => void sendOne(beat));
        return;
      }
      if (!data && response.status === 413 && beats.length > 1) {
        const half = Math.ceil(beats.length / 2);
        void sendBatch(beats.slice(0, half));
        void sendBatch(beats.slice(half));
        return;
      }
      beats.forEach((beat, index) => {
        const result = data?.results[index];
        if (result) beat.resolve({ status: result.status, cancelRequested: result.cancel_requested === true, drain: data!.drain, problem: result.problem });
        // The request as a whole was refused (a 503, say): so was each beat.
        else beat.resolve(refused(response.status, error));
      });
    } catch (error) {
      for (const beat of beats) beat.reject(error);
    }
  };

  const flush = () => {
    const due = queue;
    queue = [];
    if (performance.now() - batchesRefusedAt < batchRetryAfterMs) {
      due.forEach((beat) => void sendOne(beat));
      return;
    }
    for (let i = 0; i < due.length; i += maxHeartbeatsPerRequest) void sendBatch(due.slice(i, i + maxHeartbeatsPerRequest));
  };

  return (job, progress) =>
    new Promise<HeartbeatAnswer>((resolve, reject) => {
      // Timers of jobs leased together fire in the same turn: let them all join this request.
      if (!queue.length) setImmediate(flush);
      queue.push({ job, progress, resolve, reject });
    });
}
