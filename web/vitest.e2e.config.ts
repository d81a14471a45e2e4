import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: a real server (embedded PGlite, demo seed) and Debian Chromium via playwright-core.
 * One worker, files in sequence: they share one server and one browser binary.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/support/server.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    retry: 0,
  },
});
