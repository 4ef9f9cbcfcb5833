import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyCatalog } from '../kysely-catalog.js';
import { migrateCatalog } from '../migrate-catalog.js';
import type { OpenCatalogOptions } from '../open-catalog-options.js';
import type { CatalogSchema } from '../schema.js';
import { postgresConnectError } from './postgres-connect-error.js';
import { postgresTraits } from './traits.js';

const INT8_OID = 20;

/** int8 (bigint columns, count(*)) as a JS number: every int8 the catalog keeps is a time, size or count. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Opens the PostgreSQL catalog at url (a pool of connections), migrating it to the newest schema unless told not to. */
export async function openPostgresCatalog(
  url: string,
  options: OpenCatalogOptions = {},
): Promise<KyselyCatalog> {
  const pool = new pg.Pool({ connectionString: url, types });
  pool.on('error', () => {}); // an idle connection dropped by the server; the next query reconnects
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw postgresConnectError(error, url);
  }
  const db = new Kysely<CatalogSchema>({ dialect: new PostgresDialect({ pool }) });
  if (options.migrate !== false) {
    try {
      await migrateCatalog(db, postgresTraits);
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }
  return new KyselyCatalog(db, postgresTraits);
}
