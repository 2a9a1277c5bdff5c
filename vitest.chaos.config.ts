import { defineConfig } from 'vitest/config';

// `pnpm test:chaos`: fault tests with real processes; each file bounds its own duration.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    // One at a time: each loads the machine on purpose, and timing faults must not overlap.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
