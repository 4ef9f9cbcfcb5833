import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyCatalog } from '../kysely-catalog.js';
import { migrateCatalog } from '../migrate-catalog.js';
import type { OpenCatalogOptions } from '../open-catalog-options.js';
import type { CatalogSchema } from '../schema.js';
import { sqliteTraits } from './traits.js';

/** Opens (creating and migrating if needed) the embedded SQLite catalog: WAL, fsync on every commit. */
export async function openSqliteCatalog(
  path: string,
  options: OpenCatalogOptions = {},
): Promise<KyselyCatalog> {
  mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path, { timeout: 30_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = MEMORY');
  const db = new Kysely<CatalogSchema>({ dialect: new SqliteDialect({ database }) });
  if (options.migrate !== false) await migrateCatalog(db, sqliteTraits);
  return new KyselyCatalog(db, sqliteTraits);
}
