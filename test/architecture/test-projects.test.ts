import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

const TEST = join(import.meta.dirname, '..');

describe('tests that need no server do not start one', () => {
  it('only support/postgres-database.ts reaches the PostgreSQL server, so the config can tell who needs it', () => {
    const reaching = readdirSync(TEST, { recursive: true, encoding: 'utf8' })
      .filter(
        (f) => f.endsWith('.ts') && /inject\(\s*['"]postgresUrl/.test(readFileSync(join(TEST, f), 'utf8')),
      )
      .map((f) => f.split('\\').join('/'));
    expect(reaching).toEqual(['support/postgres-database.ts']);
  });

  it('the PostgreSQL server is the global setup of the postgres project only', () => {
    const projects = (config.test?.projects ?? []) as {
      test: { name: string; include: string[]; globalSetup?: string[] };
    }[];
    expect(config.test?.globalSetup).toBeUndefined();
    const byName = new Map(projects.map((p) => [p.test.name, p.test]));
    expect(byName.get('embedded')?.globalSetup).toBeUndefined();
    expect(byName.get('postgres')?.globalSetup).toEqual(['test/support/postgres-global-setup.ts']);
    expect(byName.get('postgres')?.include).toContain('test/catalog/postgres.test.ts');
    expect(byName.get('postgres')?.include).not.toContain('test/architecture/test-projects.test.ts');
  });
});
