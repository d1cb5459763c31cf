import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/__tests__/**/*.test.ts', 'bench/**/__tests__/**/*.test.ts'],
    // Seeded template databases shared by the API test files of one run (src/test/template.ts).
    globalSetup: ['src/test/global-setup.ts'],
    // Guards against a hang, not measures: a busy machine may run a file many times slower.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // The files of a worker share one module graph: the server is imported once per worker, not once per
    // file. Safe because no module keeps state between apps (caches live on the context, settings are read
    // when an app is built); a test that counts calls spies on a module and restores it.
    isolate: false,
  },
});
