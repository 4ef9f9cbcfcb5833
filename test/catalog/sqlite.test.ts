import { join } from 'node:path';
import { openSqliteCatalog } from '../../src/catalog/sqlite/open-sqlite-catalog.js';
import { tempDir } from '../support/temp-dir.js';
import { catalogConformance } from './catalog.case.js';

catalogConformance('sqlite', async () => {
  const dir = tempDir();
  const catalog = await openSqliteCatalog(join(dir.path, 'catalog.sqlite'));
  return {
    catalog,
    dispose: async () => {
      await catalog.close();
      dir.remove();
    },
  };
});
