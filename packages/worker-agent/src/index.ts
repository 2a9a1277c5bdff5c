// The package's public surface: the agent, job definitions, JobError and the built-in jobs.
export { createAgent, type Agent } from './agent.js';
export { AGENT_VERSION } from './agent-info.js';
export { ConfigError, DEFAULTS, type AgentConfig, type AgentOptions, type FetchLike } from './config.js';
export { defineJob, type Job, type JobContext, type JobDefinition, type JobInput } from './define-job.js';
export { JobError, type JobErrorOptions } from './job-error.js';
export { createFileJob, filePayload, type FilePayload } from './handlers/file.js';
export { httpJob, httpPayload, MAX_BODY_BYTES, type HttpPayload, type HttpResult } from './handlers/http.js';
export { sleepJob, sleepPayload } from './handlers/sleep.js';
export type { JsonValue } from './reporter.js';
