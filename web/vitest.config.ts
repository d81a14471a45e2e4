import { defineConfig } from 'vitest/config';

/** Unit tests: pure helpers, run in Node (no DOM needed). */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
