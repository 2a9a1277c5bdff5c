// A typed client for the Foreman scheduler: openapi-fetch over the types generated from openapi.yaml.
import createFetchClient, { type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths, operations } from './schema.js';

type Schemas = components['schemas'];
export type Job = Schemas['Job'];
export type JobInput = Schemas['JobInput'];
export type JobStatus = Schemas['JobStatus'];
export type JobEvent = Schemas['JobEvent'];
export type LeaseInput = Schemas['LeaseInput'];
export type ReportBatchInput = Schemas['ReportBatchInput'];
export type CompleteInput = Schemas['CompleteInput'];
export type HeartbeatInput = Schemas['HeartbeatInput'];
export type HeartbeatResult = Schemas['HeartbeatResult'];
export type Problem = Schemas['Problem'];
export type ConflictProblem = Schemas['ConflictProblem'];
export type Stats = Schemas['Stats'];
export type Worker = Schemas['Worker'];

/** What a job type or queue name may consist of (openapi.yaml's `JobType` and `QueueName`). */
export const namePattern = /^[A-Za-z0-9_.:-]+$/;
export const maxNameLength = 128;

export interface ForemanClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The scheduler's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /**
   * A token made with `foreman-scheduler token`, sent as `Authorization: Bearer <token>`. An empty
   * one counts as none, as an empty `FOREMAN_TOKEN` does.
   */
  token?: string;
}

/**
 * Creates a typed client. Every call resolves to `{data}` on success or `{error, response}`
 * on a problem response; network failures reject.
 *
 * @example
 * const foreman = createForemanClient({ url: 'https://foreman.internal:8080', token: process.env.FOREMAN_TOKEN });
 * const { data, error } = await foreman.POST('/jobs', { body: { type: 'email.send', payload: { to: 'a@b.c' } } });
 */
export function createForemanClient(options: ForemanClientOptions) {
  const { url, token, ...rest } = options;
  const client = createFetchClient<paths>({ ...rest, baseUrl: url.replace(/\/+$/, '') });
  if (token !== undefined && token !== '') {
    const authorization = `Bearer ${token}`;
    client.use({
      onRequest({ request }) {
        request.headers.set('authorization', authorization);
        return request;
      },
    });
  }
  return client;
}

export type ForemanClient = ReturnType<typeof createForemanClient>;
