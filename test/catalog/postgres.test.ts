import type { OpenCatalogOptions } from '../../src/catalog/open-catalog-options.js';
import { openPostgresCatalog } from '../../src/catalog/postgres/open-postgres-catalog.js';
import { postgresDatabase } from '../support/postgres-database.js';
import { catalogConformance } from './catalog.case.js';
import { migrationConformance } from './migrations.case.js';

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
