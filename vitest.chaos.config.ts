import { defineConfig } from 'vitest/config';

// `pnpm test:chaos`: fault tests with real processes; each file bounds its own duration.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
