import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lake } from '../app/open-lake.js';
import type { DataFileRow } from '../catalog/catalog.js';
import type { Dataset } from '../core/lake-record.js';
import { sqlString } from '../lake/duckdb-engine.js';
import { publishDurably } from '../lake/durable-file.js';
import { LAKE_DATASETS } from '../lake/lake-columns.js';
import { PARQUET_COPY_OPTIONS } from '../lake/lake-writer.js';
import { newPartFileName, partitionDir, TEMP_PREFIX } from '../lake/partition-path.js';
import { acquireWriter } from '../lake/writer-guard.js';

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

/**
 * Merges the files of each partition into one, sorted like every data file. The new file replaces the old
 * ones in one catalog transaction; the old files are deleted after it commits (if the process dies first,
 * they are unregistered orphans and cleanup removes them).
 */
export async function compactPartitions(lake: Lake, opts: CompactOptions = {}): Promise<CompactResult> {
  const started = performance.now();
  const minFiles = Math.max(2, opts.minFiles ?? 2);
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
      await mergeFiles(lake, files, taskId);
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

async function mergeFiles(lake: Lake, files: readonly DataFileRow[], taskId: number): Promise<void> {
  const { dataset, partition } = files[0]!;
  const duck = await lake.duck();
  const dir = partitionDir(dataset, partition);
  const name = newPartFileName();
  const temp = join(lake.config.lakeDir, dir, `${TEMP_PREFIX}${name}`);
  const final = join(lake.config.lakeDir, dir, name);
  const list = files.map((f) => sqlString(join(lake.config.lakeDir, f.path))).join(', ');
  await duck.run(
    `COPY (SELECT * FROM read_parquet([${list}], union_by_name = true) ORDER BY ${LAKE_DATASETS[dataset].sortKey.join(', ')}) ` +
      `TO ${sqlString(temp)} (${PARQUET_COPY_OPTIONS})`,
  );
  await publishDurably([{ from: temp, to: final }]);
  const merged = {
    dataset,
    partition,
    path: `${dir}/${name}`,
    rows: files.reduce((n, f) => n + f.rows, 0),
    bytes: (await stat(final)).size,
    minTime: Math.min(...files.map((f) => f.minTime)),
    maxTime: Math.max(...files.map((f) => f.maxTime)),
    schemaVersion: Math.max(...files.map((f) => f.schemaVersion)),
  };
  try {
    await lake.catalog.write(async (tx) => {
      await tx.removeDataFiles(files.map((f) => f.id));
      const [id] = await tx.addDataFiles([merged], taskId);
      await tx.moveLineage(
        files.map((f) => f.id),
        id!,
      );
    });
  } catch (error) {
    await rm(final, { force: true });
    throw error;
  }
  await Promise.all(files.map((f) => rm(join(lake.config.lakeDir, f.path), { force: true })));
}
