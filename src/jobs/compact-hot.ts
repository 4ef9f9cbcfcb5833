import type { Catalog, NewDataFile } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { Pending, SchemaTracker } from '../ingest/schema-tracker.js';
import { findOrphans } from '../lake/find-orphans.js';
import type { LakeWriter, WrittenFile } from '../lake/lake-writer.js';
import { tryAcquireWriter } from '../lake/writer-guard.js';
import type { HotRowsWritten } from './write-hot-rows.js';

export interface HotCompactionDeps {
  catalog: Catalog;
  writer: LakeWriter;
  schema: SchemaTracker;
  dataDir: string;
  /** Writes the oldest hot rows (up to maxRows) as unregistered files: `writeHotRows`, in the service on a worker thread. */
  writeRows(maxRows: number): Promise<HotRowsWritten>;
}

export interface HotCompaction {
  rows: number;
  files: number;
  /** The partitions the new files went to. */
  partitions: { dataset: Dataset; partition: string }[];
  /** True when another process held the writer lock and this round was skipped. */
  skipped: boolean;
}

/**
 * Moves the oldest hot records (up to maxRows) into Parquet. The files are written first (invisible until
 * registered), then one catalog transaction registers them and deletes exactly those hot rows: a crash
 * before the commit leaves the rows hot and the files orphaned (removed by the next cleanup); after it,
 * the rows are in the lake only. If the rows were taken meanwhile (another compactor), nothing commits.
 */
export async function compactHot(deps: HotCompactionDeps, maxRows: number): Promise<HotCompaction> {
  const { catalog, writer, schema } = deps;
  const lock = await tryAcquireWriter(catalog, deps.dataDir, 'hot-tier compaction');
  if (!lock) return { rows: 0, files: 0, partitions: [], skipped: true };
  const written: WrittenFile[] = [];
  try {
    // A process that died holding the lock may have left files it never registered; nobody else would
    // remove them while this process runs (start-up cleanup runs once), so the new holder does.
    if (lock.tookOver) await findOrphans(catalog, writer.lakeDir, true);
    const { ids, files: newFiles } = await deps.writeRows(maxRows);
    written.push(...newFiles);
    if (ids.length === 0) return { rows: 0, files: 0, partitions: [], skipped: false };
    const pending: Pending[] = [];
    await catalog.write(async (tx) => {
      const files: NewDataFile[] = [];
      for (const f of written) {
        const version = await schema.versionFor(tx, f.dataset, new Set());
        pending.push(version);
        files.push({ ...f, schemaVersion: version.version });
      }
      await tx.addDataFiles(files, null);
      const removed = await tx.removeHotRecords(ids);
      if (removed !== ids.length) {
        throw new ChatlakeError('conflict', 'hot rows were compacted by someone else meanwhile');
      }
    });
    schema.commit(pending);
    return {
      rows: ids.length,
      files: written.length,
      partitions: written.map(({ dataset, partition }) => ({ dataset, partition })),
      skipped: false,
    };
  } catch (error) {
    await writer.discardUnregistered(catalog, written);
    throw error;
  } finally {
    await lock.release();
  }
}
