import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { WriterLease } from '../catalog.js';
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
  return new KyselyCatalog(db, postgresTraits, { writerLease: () => tryAdvisoryLease(pool) });
}

/** The advisory lock key of the writer lease (any constant: one catalog database serves one lake). */
const WRITER_LEASE_KEY = 4_811_203_977;

/**
 * A session advisory lock on a connection of its own, held until release. The server frees it when that
 * connection ends; keepalives on the connection make a holder whose machine vanished count as gone within
 * about 30 s rather than the OS default of hours.
 */
async function tryAdvisoryLease(pool: pg.Pool): Promise<WriterLease | null> {
  const client = await pool.connect();
  // A checked-out client's connection error is emitted on the client, not the pool: without a listener a
  // server restart would crash the process. The lease is gone then; release() drops the client.
  const ignore = () => {};
  client.on('error', ignore);
  const done = (error?: Error) => {
    client.off('error', ignore);
    client.release(error);
  };
  try {
    await client.query(
      'set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 4',
    );
    const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
      WRITER_LEASE_KEY,
    ]);
    if (!r.rows[0]?.ok) {
      done();
      return null;
    }
  } catch (error) {
    done(error as Error);
    throw error;
  }
  return {
    shared: true,
    async release() {
      try {
        await client.query('select pg_advisory_unlock($1)', [WRITER_LEASE_KEY]);
        done();
      } catch (error) {
        done(error as Error); // a broken connection is dropped, and the server has freed its lock
      }
    },
  };
}
