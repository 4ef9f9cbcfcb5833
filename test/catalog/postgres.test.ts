import { describe, expect, it } from 'vitest';
import type { OpenCatalogOptions } from '../../src/catalog/open-catalog-options.js';
import { openPostgresCatalog } from '../../src/catalog/postgres/open-postgres-catalog.js';
import { resolveConfig } from '../../src/config/resolved-config.js';
import { ChatlakeError } from '../../src/core/errors.js';
import { postgresDatabase } from '../support/postgres-database.js';
import { catalogConformance } from './catalog.case.js';
import { migrationConformance } from './migrations.case.js';
import { serviceCatalogConformance } from './service-catalog.case.js';

async function openFresh(options?: OpenCatalogOptions) {
  const database = await postgresDatabase();
  const catalog = await openPostgresCatalog(database.url, options);
  return {
    catalog,
    dispose: async () => {
      await catalog.close();
      await database.drop();
    },
  };
}

catalogConformance('postgres', () => openFresh());
migrationConformance('postgres', openFresh);
serviceCatalogConformance('postgres', () => openFresh());

describe('opening the PostgreSQL catalog', () => {
  it('says how to fix an unreachable server, without the password', async () => {
    const error = await openPostgresCatalog('postgres://chat:s3cret@127.0.0.1:1/chatlake').catch((e) => e);
    expect(error).toBeInstanceOf(ChatlakeError);
    expect(error).toMatchObject({ code: 'io', hint: expect.stringMatching(/start the PostgreSQL server/) });
    expect(error.message).toMatch(
      /cannot reach the PostgreSQL catalog at postgres:\/\/chat:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(error.message).not.toMatch(/s3cret/);
  });

  it('takes the URL from --database-url over CHATLAKE_DATABASE_URL and refuses other schemes', () => {
    const env = { CHATLAKE_DATABASE_URL: 'postgresql://a@h/db' };
    expect(resolveConfig({}, env).databaseUrl).toBe('postgresql://a@h/db');
    expect(resolveConfig({ databaseUrl: 'postgres://b@h/db' }, env).databaseUrl).toBe('postgres://b@h/db');
    expect(resolveConfig({}, {}).databaseUrl).toBeNull();
    expect(() => resolveConfig({}, { CHATLAKE_DATABASE_URL: 'mysql://h/db' })).toThrow(
      /CHATLAKE_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });
});
