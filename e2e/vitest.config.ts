import { defineConfig } from 'vitest/config';

/**
 * Browser tests: one real server and one Chromium at a time (CI machines have two cores), so the
 * files run one after the other in a single worker.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
