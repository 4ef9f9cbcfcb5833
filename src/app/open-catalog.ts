import type { Catalog } from '../catalog/catalog.js';
import type { OpenCatalogOptions } from '../catalog/open-catalog-options.js';
import { openPostgresCatalog } from '../catalog/postgres/open-postgres-catalog.js';
import { openSqliteCatalog } from '../catalog/sqlite/open-sqlite-catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';

/** The configured catalog: PostgreSQL when a database URL is set, else the SQLite file in the data directory. */
export function openCatalog(config: ResolvedConfig, options: OpenCatalogOptions = {}): Promise<Catalog> {
  return config.databaseUrl
    ? openPostgresCatalog(config.databaseUrl, options)
    : openSqliteCatalog(config.catalogPath, options);
}
