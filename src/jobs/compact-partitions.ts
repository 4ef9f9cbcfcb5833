import type { Catalog, DataFileRow } from '../catalog/catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import { acquireWriter, tryAcquireWriter } from '../lake/writer-guard.js';

export interface CompactOptions {
  dataset?: Dataset;
  partitions?: string[];
  /** Only partitions with at least this many files are merged. */
  minFiles?: number;
}

export interface CompactResult {
  partitions: number;
  filesBefore: number;
  filesAfter: number;
  rows: number;
  seconds: number;
}

/** What `compactPartitions` uses: the catalog, the writer (opened when needed) and the data directory. */
export interface CompactPartitionsDeps {
  catalog: Catalog;
  config: Pick<ResolvedConfig, 'dataDir'>;
  writer(): Promise<LakeWriter>;
}

/**
 * Merges the files of each partition into one, sorted like every data file (`chatlake compact`). The new file
 * replaces the old ones in one catalog transaction; the old files are deleted right after it commits.
 */
export async function compactPartitions(
  lake: CompactPartitionsDeps,
  opts: CompactOptions = {},
): Promise<CompactResult> {
  const started = performance.now();
  const minFiles = Math.max(2, opts.minFiles ?? 2);
  const deps = { catalog: lake.catalog, writer: await lake.writer() };
  const lock = await acquireWriter(lake.catalog, lake.config.dataDir, 'compact');
  const result: CompactResult = { partitions: 0, filesBefore: 0, filesAfter: 0, rows: 0, seconds: 0 };
  const taskId = await lake.catalog.startTask('compact', opts);
  try {
    const groups = new Map<string, DataFileRow[]>();
    for (const f of await lake.catalog.dataFiles({ dataset: opts.dataset, partitions: opts.partitions })) {
      const key = `${f.dataset}/${f.partition}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const files of groups.values()) {
      if (files.length < minFiles) continue;
      const replaced = await mergeFiles(deps, files, taskId);
      await deps.writer.discard(replaced.map((path) => ({ path })));
      result.partitions++;
      result.filesBefore += files.length;
      result.filesAfter++;
      result.rows += files.reduce((n, f) => n + f.rows, 0);
    }
    result.seconds = (performance.now() - started) / 1000;
    await lake.catalog.finishTask(taskId, 'succeeded', result);
    return result;
  } catch (error) {
    await lake.catalog.finishTask(taskId, 'failed', result, (error as Error).message);
    throw error;
  } finally {
    await lock.release();
  }
}

/** What merging reads and writes: the catalog that swaps the files, the writer that writes the merged one. */
export interface MergeDeps {
  catalog: Catalog;
  writer: LakeWriter;
}

/**
 * Replaces files of one partition with one merged file in one catalog transaction. Returns the replaced files'
 * paths: no longer registered, for the caller to delete (at once, or after readers that listed them a moment
 * ago are done). A crash before they are deleted leaves unregistered orphans, which cleanup removes.
 */
export async function mergeFiles(
  deps: MergeDeps,
  files: readonly DataFileRow[],
  taskId: number | null,
): Promise<string[]> {
  const merged = await deps.writer.merge(files);
  try {
    await deps.catalog.write(async (tx) => {
      const removed = await tx.removeDataFiles(files.map((f) => f.id));
      // Another writer replaced some of them meanwhile (a writer that lost its guard unnoticed): nothing commits.
      if (removed.length !== files.length)
        throw new ChatlakeError('conflict', 'files to merge were replaced by another writer meanwhile');
      const [id] = await tx.addDataFiles(
        [{ ...merged, schemaVersion: Math.max(...files.map((f) => f.schemaVersion)) }],
        taskId,
      );
      await tx.moveLineage(
        files.map((f) => f.id),
        id!,
      );
    });
  } catch (error) {
    await deps.writer.discardUnregistered(deps.catalog, [merged]);
    throw error;
  }
  return files.map((f) => f.path);
}

export interface SmallFilePolicy {
  /** A partition is merged once it has this many small files… */
  minFiles: number;
  /** …files under this many bytes (bigger ones stay as they are). */
  maxBytes: number;
}

/**
 * The service's background merge: in each partition given (once each), the small files (the hot tier's compactions leave
 * one per partition per round) become one once there are `minFiles` of them. Skipped while another process
 * holds the writer lock. Returns what it merged and the replaced paths, for the caller to delete.
 */
export async function mergeSmallFiles(
  deps: MergeDeps & { dataDir: string },
  partitions: readonly { dataset: Dataset; partition: string }[],
  policy: SmallFilePolicy,
): Promise<{ partitions: number; files: number; replaced: string[] }> {
  const result = { partitions: 0, files: 0, replaced: [] as string[] };
  const lock = await tryAcquireWriter(deps.catalog, deps.dataDir, 'merging small files');
  if (!lock) return result;
  try {
    for (const { dataset, partition } of partitions) {
      const small = (await deps.catalog.dataFiles({ dataset, partitions: [partition] })).filter(
        (f) => f.bytes < policy.maxBytes,
      );
      if (small.length < policy.minFiles) continue;
      result.replaced.push(...(await mergeFiles(deps, small, null)));
      result.partitions++;
      result.files += small.length;
    }
    return result;
  } finally {
    await lock.release();
  }
}
