import { defineConfig } from 'vitest/config';

// API tests open a real database (PGlite by default, PostgreSQL when DATABASE_URL is set);
// they run in one fork so the PostgreSQL test database is not raced by parallel files.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: !process.env.DATABASE_URL,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
