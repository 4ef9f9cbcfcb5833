import type { ResolvedConfig } from '../config/resolved-config.js';
import type { Catalog } from './catalog.js';
import type { OpenCatalogOptions } from './open-catalog-options.js';

/**
 * The configured catalog: PostgreSQL when a database URL is set, else the SQLite file in the data directory.
 * Only that backend's driver is loaded (pg or better-sqlite3), when first opened.
 */
export async function openCatalog(
  config: ResolvedConfig,
  options: OpenCatalogOptions = {},
): Promise<Catalog> {
  if (config.databaseUrl) {
    const { openPostgresCatalog } = await import('../catalog/postgres/open-postgres-catalog.js');
    return openPostgresCatalog(config.databaseUrl, options);
  }
  const { openSqliteCatalog } = await import('../catalog/sqlite/open-sqlite-catalog.js');
  return openSqliteCatalog(config.catalogPath, options);
}
