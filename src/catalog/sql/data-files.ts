import type { Selectable } from 'kysely';
import type { Dataset } from '../../core/lake-record.js';
import type { DataFileFilter, DataFileRow, NewDataFile } from '../catalog.js';
import type { CatalogSchema } from '../schema.js';
import { type CatalogSql, num, numOrNull } from './catalog-sql.js';
import { adjustPartitions, recomputePartitionBounds } from './partitions.js';

export async function dataFiles({ db }: CatalogSql, filter: DataFileFilter = {}): Promise<DataFileRow[]> {
  let q = db.selectFrom('data_files').selectAll().orderBy('dataset').orderBy('partition').orderBy('id');
  if (filter.dataset) q = q.where('dataset', '=', filter.dataset);
  if (filter.partitions) {
    if (filter.partitions.length === 0) return [];
    q = q.where('partition', 'in', filter.partitions);
  }
  return (await q.execute()).map(toDataFile);
}

/** Changes whenever a file of the dataset is registered or removed (newest id and count). */
export async function dataFilesVersion({ db }: CatalogSql, dataset: Dataset): Promise<string> {
  const r = await db
    .selectFrom('data_files')
    .select((eb) => [eb.fn.max('id').as('newest'), eb.fn.countAll().as('n')])
    .where('dataset', '=', dataset)
    .executeTakeFirst();
  return `${numOrNull(r?.newest) ?? 0}:${num(r?.n ?? 0)}`;
}

/** Registers files (making them visible) and adds them to their partitions; returns their ids in order. */
export async function addDataFiles(
  c: CatalogSql,
  files: readonly NewDataFile[],
  taskId: number | null,
): Promise<number[]> {
  const ids = new Map<string, number>();
  const createdAt = Date.now();
  for (let i = 0; i < files.length; i += 500) {
    const rows = await c.db
      .insertInto('data_files')
      .values(
        files.slice(i, i + 500).map((f) => ({
          dataset: f.dataset,
          partition: f.partition,
          path: f.path,
          rows: f.rows,
          bytes: f.bytes,
          min_time: f.minTime,
          max_time: f.maxTime,
          schema_version: f.schemaVersion,
          task_id: taskId,
          created_at: createdAt,
        })),
      )
      .returning(['id', 'path'])
      .execute();
    for (const r of rows) ids.set(r.path, num(r.id));
  }
  await adjustPartitions(
    c,
    files.map((f) => ({ ...f, files: 1 })),
    true,
  );
  return files.map((f) => ids.get(f.path)!);
}

/** Unregisters files (compaction, repair); returns their rows so the caller can delete them after commit. */
export async function removeDataFiles(c: CatalogSql, ids: readonly number[]): Promise<DataFileRow[]> {
  if (ids.length === 0) return [];
  const rows = (await c.db.selectFrom('data_files').selectAll().where('id', 'in', ids).execute()).map(
    toDataFile,
  );
  await c.db.deleteFrom('data_files').where('id', 'in', ids).execute();
  await adjustPartitions(
    c,
    rows.map((f) => ({ ...f, rows: -f.rows, files: -1, bytes: -f.bytes })),
    false,
  );
  const touched = new Set(rows.map((f) => `${f.dataset}\u0000${f.partition}`));
  for (const key of touched) {
    const [dataset, partition] = key.split('\u0000') as [string, string];
    await recomputePartitionBounds(c, dataset, partition);
  }
  return rows;
}

function toDataFile(r: Selectable<CatalogSchema['data_files']>): DataFileRow {
  return {
    id: num(r.id),
    dataset: r.dataset as Dataset,
    partition: r.partition,
    path: r.path,
    rows: num(r.rows),
    bytes: num(r.bytes),
    minTime: num(r.min_time),
    maxTime: num(r.max_time),
    schemaVersion: num(r.schema_version),
    createdAt: num(r.created_at),
  };
}
