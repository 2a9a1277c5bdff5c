// Tokens and scopes over real HTTP: every route without a token, with a bad one and with the
// wrong scope; worker ids bound to tokens; another worker's lease; revocation by editing the file.
import { writeFileSync } from 'node:fs';
import { createForemanClient, type ForemanClient, type Job } from '@foreman/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeAccess } from '../packages/scheduler/src/http/auth/route-scopes.js';
import { contract } from './support/contract.js';
import { startTestScheduler, type TestScheduler } from './support/scheduler.js';
import { bearer, token, tokensFile, type TokensFile } from './support/tokens.js';
import { contractViolations, validatingFetch } from './support/validating-fetch.js';
import { enqueue, eventTypes, eventually, getJob, leaseOne } from './support/worker-calls.js';

const producer = token('ci', 'producer');
const worker = token('workers', 'worker');
const boundWorker = token('worker-w1', 'worker', 'w1');
const admin = token('ops', 'admin');

let tokens: TokensFile;
let foreman: TestScheduler;
const as = (minted: { token: string }): ForemanClient => createForemanClient({ url: foreman.url, token: minted.token, fetch: validatingFetch });

beforeAll(async () => {
  tokens = tokensFile([producer, worker, boundWorker, admin]);
  foreman = await startTestScheduler(['--tokens-file', tokens.path]);
});
afterAll(async () => {
  await foreman.close();
  tokens.remove();
  expect(contractViolations).toEqual([]);
});

type Scope = 'producer' | 'worker' | 'admin';
interface Operation {
  method: string;
  template: string;
  /** Scopes that grant it; null when it is open. */
  scopes: Scope[] | null;
}

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

const operations: Operation[] = Object.entries(contract.paths).flatMap(([template, pathItem]) =>
  Object.entries(pathItem as Record<string, { security?: Array<Record<string, Scope[]>> }>)
    .filter(([key]) => httpMethods.has(key))
    .map(([method, operation]) => {
    // Each requirement is an alternative: any one of them grants the operation.
    const scopes = operation.security?.flatMap((requirement) => requirement.bearerAuth ?? []);
    return { method: method.toUpperCase(), template, scopes: scopes?.length ? scopes : null };
  }),
);
const protectedOperations = operations.filter((operation) => operation.scopes);
const openOperations = operations.filter((operation) => !operation.scopes);

function call(operation: Operation, headers: Record<string, string>, jobId = '0190d9a0-0000-7000-8000-000000000000'): Promise<Response> {
  const hasBody = operation.method === 'POST';
  return validatingFetch(new URL(operation.template.replace('{id}', jobId), foreman.url), {
    method: operation.method,
    headers: { ...headers, ...(hasBody && { 'content-type': 'application/json' }) },
    body: hasBody ? JSON.stringify({ type: 't', worker_id: 'w1', version: 2, status: 'completed', reports: [], jobs: [{ type: 't' }], wait_ms: 0 }) : undefined,
  });
}

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem.status).toBe(status);
  return problem;
}

describe('with tokens configured', () => {
  it('covers every route of the contract, and only health and the contract are open', () => {
    const open = openOperations.map((operation) => `${operation.method} ${operation.template}`);
    expect(open.filter((route) => !['GET /healthz', 'GET /readyz', 'GET /openapi.yaml'].includes(route))).toEqual([]);
    expect(protectedOperations.length).toBeGreaterThanOrEqual(13);
  });

  it.each(operations)("enforces the scopes openapi.yaml gives $method $template", ({ method, template, scopes }) => {
    const access = routeAccess(method, template.replace('{id}', 'some-id'));
    expect(access === 'open' ? null : [...access].sort()).toEqual(scopes && [...scopes].sort());
  });

  it('needs admin for a route it does not know', async () => {
    await expectProblem(await fetch(new URL('/no-such-route', foreman.url), { headers: bearer(producer) }), 403);
    expect((await fetch(new URL('/no-such-route', foreman.url), { headers: bearer(admin) })).status).toBe(404);
  });

  it.each(protectedOperations)('refuses $method $template without a token, and with a bad one, with 401', async (operation) => {
    const missing = await call(operation, {});
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(missing, 401);
    await expectProblem(await call(operation, bearer('fmn_not-a-token')), 401);
    await expectProblem(await call(operation, { authorization: `Basic ${Buffer.from('ci:secret').toString('base64')}` }), 401);
    // A token whose hash is known but sent under another scheme is not accepted either.
    await expectProblem(await call(operation, { authorization: producer.token }), 401);
  });

  it.each(protectedOperations.filter((operation) => operation.scopes!.length === 1))(
    'refuses $method $template with a token lacking its scope with 403',
    async (operation) => {
      const lacking = [producer, worker].filter((minted) => !operation.scopes!.some((scope) => minted.entry.scopes.includes(scope)));
      expect(lacking.length).toBeGreaterThan(0);
      for (const minted of lacking) {
        const problem = await expectProblem(await call(operation, bearer(minted)), 403);
        expect(problem.detail).toContain(minted.entry.name);
      }
    },
  );

  it.each(protectedOperations)('lets a token with the scope through to $method $template', async (operation) => {
    const granted = [producer, worker, admin].filter((minted) => minted.entry.scopes.some((scope) => scope === 'admin' || operation.scopes!.includes(scope)));
    for (const minted of granted) {
      const response = await call(operation, bearer(minted));
      expect([401, 403, 429]).not.toContain(response.status);
    }
  });

  it.each(openOperations)('serves $method $template without a token', async (operation) => {
    expect((await call(operation, {})).status).toBe(200);
  });

  it('lets a worker token enqueue child jobs only', async () => {
    const parent = await enqueue(as(producer), { type: 'parent' });
    const child = await as(worker).POST('/jobs', { body: { type: 'child', parent_id: parent.id } });
    expect(child.response.status).toBe(201);
    const orphan = await as(worker).POST('/jobs', { body: { type: 'orphan' } });
    expect(orphan.response.status).toBe(403);
    const mixed = await as(worker).POST('/jobs/batch', { body: { jobs: [{ type: 'child', parent_id: parent.id }, { type: 'orphan' }] } });
    expect(mixed.response.status).toBe(403);
    const children = await as(producer).GET('/jobs', { params: { query: { parent_id: parent.id } } });
    expect(children.data!.jobs.map((job) => job.type)).toEqual(['child']);
  });

  it('shows a worker token, through an idempotency key, only a child of the same parent', async () => {
    const parent = await enqueue(as(producer), { type: 'parent' });
    const secret = await as(producer).POST('/jobs', { body: { type: 'secret', payload: { password: 'hunter2' }, idempotency_key: 'key-of-another-job' } });
    expect(secret.response.status).toBe(201);

    const probe = await as(worker).POST('/jobs', { body: { type: 'child', parent_id: parent.id, idempotency_key: 'key-of-another-job' } });
    expect(probe.response.status).toBe(403);
    expect(JSON.stringify(probe.error)).not.toContain('hunter2');
    expect(JSON.stringify(probe.error)).toContain('key-of-another-job');
    // All or nothing: the batch's other child is not created either.
    const batch = await as(worker).POST('/jobs/batch', {
      body: { jobs: [{ type: 'child', parent_id: parent.id, idempotency_key: 'fresh-key' }, { type: 'child', parent_id: parent.id, idempotency_key: 'key-of-another-job' }] },
    });
    expect(batch.response.status).toBe(403);
    const children = await as(producer).GET('/jobs', { params: { query: { parent_id: parent.id } } });
    expect(children.data!.jobs).toEqual([]);

    // Its own child, enqueued again with the same key, comes back as before.
    const own = await as(worker).POST('/jobs', { body: { type: 'child', parent_id: parent.id, idempotency_key: 'own-key' } });
    expect(own.response.status).toBe(201);
    const again = await as(worker).POST('/jobs', { body: { type: 'child', parent_id: parent.id, idempotency_key: 'own-key' } });
    expect(again.response.status).toBe(200);
    expect(again.data!.id).toBe(own.data!.id);
    // A producer may read any job, so the key answers it with whatever job holds it.
    const producerRepeat = await as(producer).POST('/jobs', { body: { type: 'child', parent_id: parent.id, idempotency_key: 'key-of-another-job' } });
    expect(producerRepeat.response.status).toBe(200);
    expect(producerRepeat.data!.id).toBe(secret.data!.id);
  });

  it('lets a token bound to worker ids lease, heartbeat and report only as those ids', async () => {
    const foreign = await as(boundWorker).POST('/next-job', { body: { worker_id: 'w2' } });
    expect(foreign.response.status).toBe(403);
    expect(foreign.error!.detail).toContain('"w2"');
    await enqueue(as(producer), { type: 'bound' });
    const leased = await leaseOne(as(boundWorker), 'w1', { types: ['bound'] });
    const beat = await as(boundWorker).POST('/jobs/{id}/heartbeat', { params: { path: { id: leased.id } }, body: { worker_id: 'w2', version: leased.version } });
    expect(beat.response.status).toBe(403);
    const reports = await as(boundWorker).POST('/reports', { body: { worker_id: 'w2', reports: [{ id: leased.id, version: leased.version, status: 'completed' }] } });
    expect(reports.response.status).toBe(403);
    const beats = await as(boundWorker).POST('/heartbeats', { body: { worker_id: 'w2', heartbeats: [{ id: leased.id, version: leased.version }] } });
    expect(beats.response.status).toBe(403);
    const ownBeats = await as(boundWorker).POST('/heartbeats', { body: { worker_id: 'w1', heartbeats: [{ id: leased.id, version: leased.version }] } });
    expect(ownBeats.data!.results.map((result) => result.status)).toEqual([200]);
    const done = await as(boundWorker).POST('/jobs/{id}/complete', { params: { path: { id: leased.id } }, body: { worker_id: 'w1', version: leased.version, status: 'completed' } });
    expect(done.data).toMatchObject({ status: 'completed', worker_id: 'w1' });
  });
});

describe("another worker's lease", () => {
  let leased: Job;
  afterEach(async () => {
    // The refused calls changed nothing: the owner still holds the lease at the same version.
    expect(await getJob(as(producer), leased.id)).toMatchObject({ status: 'running', version: leased.version, worker_id: 'owner' });
    expect(await eventTypes(as(producer), leased.id)).toEqual(['enqueued', 'leased']);
  });

  async function leaseForOwner(type: string): Promise<Job> {
    await enqueue(as(producer), { type });
    return (leased = await leaseOne(as(worker), 'owner', { types: [type] }));
  }

  it('is not completed by another worker: 403', async () => {
    const job = await leaseForOwner('owned-1');
    const stolen = await as(worker).POST('/jobs/{id}/complete', { params: { path: { id: job.id } }, body: { worker_id: 'intruder', version: job.version, status: 'completed', result: 'mine' } });
    expect(stolen.response.status).toBe(403);
    expect(stolen.error).toMatchObject({ type: 'urn:foreman:problem:forbidden', status: 403 });
  });

  it('is not heartbeated by another worker: 403', async () => {
    const job = await leaseForOwner('owned-2');
    const beat = await as(worker).POST('/jobs/{id}/heartbeat', { params: { path: { id: job.id } }, body: { worker_id: 'intruder', version: job.version } });
    expect(beat.response.status).toBe(403);
  });

  it('is refused item by item in a batch of heartbeats: 403', async () => {
    const job = await leaseForOwner('owned-4');
    const { data } = await as(worker).POST('/heartbeats', { body: { worker_id: 'intruder', heartbeats: [{ id: job.id, version: job.version, progress: { current: 1 } }] } });
    expect(data!.results).toEqual([expect.objectContaining({ id: job.id, status: 403, lease_expires_at: null, problem: expect.objectContaining({ status: 403 }) })]);
  });

  it('is refused item by item in a batch of reports: 403', async () => {
    const job = await leaseForOwner('owned-3');
    const { data } = await as(worker).POST('/reports', { body: { worker_id: 'intruder', reports: [{ id: job.id, version: job.version, status: 'failed' }] } });
    expect(data!.results).toEqual([expect.objectContaining({ id: job.id, status: 403, job: null, problem: expect.objectContaining({ status: 403 }) })]);
  });
});

describe('revocation', () => {
  it('refuses a token once it is removed from the tokens file, without a restart, and accepts a new one', async () => {
    const temporary = token('temporary', 'producer');
    tokens.write([producer, worker, boundWorker, admin, temporary]);
    await eventually(async () => (await as(temporary).GET('/stats')).response.status, (status) => status === 200);

    tokens.write([producer, worker, boundWorker, admin]);
    const refused = await eventually(async () => (await as(temporary).GET('/stats')).response.status, (status) => status === 401);
    expect(refused).toBe(401);
    expect((await as(producer).GET('/stats')).response.status).toBe(200);
  });

  it('keeps the tokens read before when the file is rewritten invalid', async () => {
    writeFileSync(tokens.path, '{"tokens": [ oops');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await as(producer).GET('/stats')).response.status).toBe(200);
    tokens.write([producer, worker, boundWorker, admin]);
  });
});
