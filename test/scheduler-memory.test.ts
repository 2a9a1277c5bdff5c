// `foreman-scheduler` run as a command bounds V8's heap with the node flags of its shebang, which
// keeps its memory below 150 MB with a million jobs stored (`pnpm bench`, scale).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schedulersStoppedAfterEach, tempDir } from './support/scheduler.js';

const dir = tempDir('foreman-memory-');
const schedulers = schedulersStoppedAfterEach();
afterAll(() => dir.remove());

describe('the scheduler command', () => {
  it('runs with a heap bounded to about a gigabyte, and says so when it starts', async () => {
    const running = await schedulers.spawn(join(dir.path, 'memory.db'));
    const listening = running.logs.find((entry) => entry.msg === 'foreman scheduler listening');
    // 1024 MB of old generation plus the young generation's 8 MB semi-spaces.
    expect(listening?.heap_limit_mb).toBeGreaterThanOrEqual(1024);
    expect(listening?.heap_limit_mb).toBeLessThanOrEqual(1100);
  });
});
