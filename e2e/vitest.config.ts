import { defineConfig } from 'vitest/config';
import { PATIENCE_MS } from './patience.ts';

/**
 * Browser tests: each file starts its own server (on its own port, from its own copy of the seeded
 * demo) and its own Chromium, so two files run at a time; a file spends most of its time waiting on the
 * browser and the server, which two workers on two cores overlap.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    // Guards against a hang, not measures: a test that walks every page takes minutes on a busy machine.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // The files of a worker share one module graph (Playwright is loaded once per worker, not per file);
    // each file still starts its own server and Chromium, and no helper keeps state between files.
    isolate: false,
    sequence: { concurrent: false },
    // `expect.poll` waits on the page like Playwright's own waits, not vitest's default second.
    expect: { poll: { timeout: PATIENCE_MS } },
  },
});
