// The scheduler as a library: start it in-process (tests, embedding) or through the CLI.
export { startScheduler, StartupError, type RunningScheduler } from './main.js';
export { parseConfig, defaults, ConfigError, type SchedulerConfig } from './config.js';
export { mintToken, type MintedToken } from './token-command.js';
export { createApp } from './http/app.js';
export { JobService } from './job-service.js';
export { openSqliteStore } from './store/sqlite/open-sqlite-store.js';
export { openStorage, type Storage } from './store/open-store.js';
export type { JobStore } from './store/job-store.js';
