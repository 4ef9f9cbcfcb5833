import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import { WriterLock } from './writer-lock.js';

/**
 * The right to write Parquet files into a data directory: first the catalog's writer lease (one holder
 * across every machine sharing a PostgreSQL catalog), then the directory's writer lock (one process on this
 * machine). Released in the reverse order.
 */
export interface WriterGuard {
  /** The directory lock was taken over from a writer that died: files nobody registered are orphans. */
  readonly tookOver: boolean;
  release(): Promise<void>;
}

/** Takes the guard, or throws `busy` naming who holds it. */
export async function acquireWriter(
  catalog: Catalog,
  dataDir: string,
  purpose: string,
): Promise<WriterGuard> {
  return (await take(catalog, dataDir, purpose, false))!;
}

/** The guard, or null while another writer holds it (background jobs skip a round instead of failing). */
export function tryAcquireWriter(
  catalog: Catalog,
  dataDir: string,
  purpose: string,
): Promise<WriterGuard | null> {
  return take(catalog, dataDir, purpose, true);
}

async function take(
  catalog: Catalog,
  dataDir: string,
  purpose: string,
  skipIfBusy: boolean,
): Promise<WriterGuard | null> {
  const lease = await catalog.tryWriterLease();
  if (!lease) {
    if (skipIfBusy) return null;
    throw new ChatlakeError(
      'busy',
      `another chatlake node is writing to this lake (${purpose} needs the catalog's writer lease)`,
      'wait for it to finish; the lease of a node that died is freed within about 30 s',
    );
  }
  try {
    const lock = skipIfBusy
      ? WriterLock.tryAcquire(dataDir, purpose, lease.shared)
      : WriterLock.acquire(dataDir, purpose, lease.shared);
    if (!lock) {
      await lease.release();
      return null;
    }
    return {
      tookOver: lock.tookOver,
      async release() {
        lock.release();
        await lease.release();
      },
    };
  } catch (error) {
    await lease.release();
    throw error;
  }
}
