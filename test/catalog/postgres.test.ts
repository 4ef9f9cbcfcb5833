import { openPostgresCatalog } from '../../src/catalog/postgres/open-postgres-catalog.js';
import { postgresDatabase } from '../support/postgres-database.js';
import { catalogConformance } from './catalog.case.js';

catalogConformance('postgres', async () => {
  const database = await postgresDatabase();
  const catalog = await openPostgresCatalog(database.url);
  return {
    catalog,
    dispose: async () => {
      await catalog.close();
      await database.drop();
    },
  };
});
