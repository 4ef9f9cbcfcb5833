import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenCatalogOptions } from '../../src/catalog/open-catalog-options.js';
import { openSqliteCatalog } from '../../src/catalog/sqlite/open-sqlite-catalog.js';
import { tempDir } from '../support/temp-dir.js';
import { catalogConformance } from './catalog.case.js';
import { migrationConformance } from './migrations.case.js';
import { serviceCatalogConformance } from './service-catalog.case.js';

async function openFresh(options?: OpenCatalogOptions) {
  const dir = tempDir();
  const catalog = await openSqliteCatalog(join(dir.path, 'catalog.sqlite'), options);
  return {
    catalog,
    dispose: async () => {
      await catalog.close();
      dir.remove();
    },
  };
}

catalogConformance('sqlite', () => openFresh());
migrationConformance('sqlite', openFresh);
serviceCatalogConformance('sqlite', () => openFresh());

describe('the writer lease on SQLite', () => {
  it('is always granted (one machine: the data directory lock decides) and not shared', async () => {
    const { catalog, dispose } = await openFresh();
    try {
      const one = await catalog.tryWriterLease();
      const two = await catalog.tryWriterLease();
      expect(one).toMatchObject({ shared: false });
      expect(two).toMatchObject({ shared: false });
      await one!.release();
      await two!.release();
    } finally {
      await dispose();
    }
  });
});
