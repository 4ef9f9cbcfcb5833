import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyCatalog } from '../kysely-catalog.js';
import { migrateCatalog } from '../migrate-catalog.js';
import type { OpenCatalogOptions } from '../open-catalog-options.js';
import type { CatalogSchema } from '../schema.js';
import { sqliteTraits } from './traits.js';

/**
 * Opens (creating and migrating if needed) the embedded SQLite catalog in WAL mode. Every write transaction is
 * durable before `write` resolves, but its fsync runs on libuv's thread pool (`syncWal`) rather than inside
 * COMMIT (synchronous = FULL would block the event loop ~2.5 ms per commit): synchronous = NORMAL commits
 * without syncing, then `write` awaits an fdatasync of the WAL, which covers that commit and every earlier one.
 * Checkpoints still sync the WAL before copying it into the database file.
 */
export async function openSqliteCatalog(
  path: string,
  options: OpenCatalogOptions = {},
): Promise<KyselyCatalog> {
  mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path, { timeout: 30_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = MEMORY');
  const db = new Kysely<CatalogSchema>({ dialect: new SqliteDialect({ database }) });
  if (options.migrate !== false) await migrateCatalog(db, sqliteTraits);
  return new KyselyCatalog(db, sqliteTraits, { durable: walSync(path) });
}

/** fdatasync of the database's WAL file (and, once, of its directory, which holds the WAL's name). */
function walSync(path: string): () => Promise<void> {
  let directorySynced = false;
  const sync = async (file: string) => {
    const handle = await open(file, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  };
  return async () => {
    await sync(`${path}-wal`);
    if (!directorySynced) {
      await sync(dirname(path));
      directorySynced = true;
    }
  };
}
