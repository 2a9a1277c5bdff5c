// Malformed and hostile input on every endpoint: only 4xx (or a valid 2xx), the contract holds,
// the process stays up with flat memory, and the database passes its integrity check.
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, spawnScheduler, type SchedulerProcess } from '../support/scheduler.js';
import { backend, createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { validatingFetch } from '../support/validating-fetch.js';
import { enqueue, leaseOne } from '../support/worker-calls.js';

let database: TestDatabase;
let scheduler: SchedulerProcess;
let jobId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  scheduler = await spawnScheduler(database.db, ['--max-body-bytes', '65536']);
  const client = clientFor(scheduler.url);
  await enqueue(client, { type: 'fuzz.target' });
  jobId = (await leaseOne(client, 'fuzzer')).id;
});
afterAll(async () => {
  scheduler.child.kill('SIGKILL');
  await scheduler.exited;
  await database.drop();
});

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${scheduler.child.pid}/status`, 'utf8'))![1]) / 1024;

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE jobs; --', '../../etc/passwd', '\u0000', '%00', '${7*7}', '<script>', 'x'.repeat(300), '🙂'.repeat(50)),
);
const hostileJson = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom('type', 'payload', 'queue', 'priority', 'run_at', 'delay_ms', 'max_attempts', 'backoff', 'worker_id', 'version', 'status', 'result', 'error', 'max', 'wait_ms', 'types', 'queues', 'jobs', 'progress', 'lease_ms', 'idempotency_key', 'parent_id', 'heartbeats', 'reports', 'lease', 'id', '__proto__', 'constructor'), fc.oneof(fc.jsonValue(), hostileString)),
);
/** A path segment that stays one segment: URLs resolve `.` and `..` away. */
const idSegment = hostileString.filter((s) => s.length > 0 && s !== '.' && s !== '..');
const body = fc.oneof(hostileJson.map((value) => JSON.stringify(value)), hostileString);
const paths = ['/jobs', '/jobs/batch', '/next-job', '/jobs/:id/heartbeat', '/heartbeats', '/jobs/:id/complete', '/reports', '/jobs/:id/retry', '/jobs/:id/cancel'];

describe('API fuzz', () => {
  it('answers hostile input on every endpoint without a 5xx or a crash', async () => {
    const rssBefore = rssMb();
    const failures: string[] = [];
    const send = async (method: string, path: string, text?: string, contentType = 'application/json') => {
      try {
        const response = await validatingFetch(`${scheduler.url}${path}`, {
          method,
          ...(text === undefined ? {} : { body: text, headers: { 'content-type': contentType } }),
        });
        if (response.status >= 500) failures.push(`${method} ${path} → ${response.status}: ${await response.text()}`);
      } catch (error) {
        failures.push(`${method} ${path} (${text?.slice(0, 80)}): ${(error as Error).message.slice(0, 300)}`);
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        body,
        fc.oneof(fc.constant(jobId), idSegment),
        fc.constantFrom('application/json', 'text/plain', 'application/problem+json'),
        async (path, text, id, contentType) => {
          await send('POST', path.replace(':id', encodeURIComponent(id)), text, contentType);
        },
      ),
      { numRuns: 1500 },
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('status', 'type', 'queue', 'parent_id', 'created_after', 'created_before', 'limit', 'cursor', 'x'), hostileString), async (query) => {
        await send('GET', `/jobs?${new URLSearchParams(query).toString()}`);
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.asyncProperty(idSegment, async (id) => {
        await send('GET', `/jobs/${encodeURIComponent(id)}`);
        await send('GET', `/jobs/${encodeURIComponent(id)}/events`);
      }),
      { numRuns: 300 },
    );

    expect(failures).toEqual([]);
    expect(scheduler.child.exitCode).toBeNull();
    expect(rssMb() - rssBefore).toBeLessThan(100);
    if (backend === 'sqlite') {
      const check = new BetterSqlite3(database.db, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      check.close();
    }
  }, 120_000);
});
