import pg from 'pg';
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

describe('the writer lease on PostgreSQL (one lake writer across machines)', () => {
  it('has one holder at a time across catalogs, and frees itself when the holder goes away', async () => {
    const database = await postgresDatabase();
    const a = await openPostgresCatalog(database.url);
    const b = await openPostgresCatalog(database.url);
    try {
      const first = await a.tryWriterLease();
      expect(first).toMatchObject({ shared: true });
      expect(await b.tryWriterLease()).toBeNull();
      expect(await a.tryWriterLease()).toBeNull(); // a second holder in the same process too
      await first!.release();
      const second = await b.tryWriterLease();
      expect(second).not.toBeNull();
      // The holder's connection ends without a release (its process died): the server frees the lease.
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        const killed = await admin.query(
          "select pg_terminate_backend(pid) as ok from pg_locks where locktype = 'advisory' and granted",
        );
        expect(killed.rows).toEqual([{ ok: true }]);
      } finally {
        await admin.end();
      }
      let third = await a.tryWriterLease();
      for (let i = 0; !third && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        third = await a.tryWriterLease();
      }
      expect(third).not.toBeNull();
      await second!.release(); // on a dead connection: dropped, no error
      await third!.release();
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
