import { bulkInsert } from '../bulk-insert.js';
import type { LineageRow } from '../catalog.js';
import { type CatalogSql, num } from './catalog-sql.js';

/** Which source byte ranges a data file was made from. */
export async function lineage({ db }: CatalogSql, dataFileId: number): Promise<LineageRow[]> {
  const rows = await db
    .selectFrom('lineage')
    .selectAll()
    .where('data_file_id', '=', dataFileId)
    .orderBy('source_id')
    .orderBy('start_offset')
    .execute();
  return rows.map((r) => ({
    dataFileId: num(r.data_file_id),
    sourceId: num(r.source_id),
    startOffset: num(r.start_offset),
    endOffset: num(r.end_offset),
  }));
}

export async function addLineage({ db, traits }: CatalogSql, rows: readonly LineageRow[]): Promise<void> {
  await bulkInsert(
    db,
    traits,
    'lineage',
    [
      ['data_file_id', 'integer'],
      ['source_id', 'integer'],
      ['start_offset', 'bigint'],
      ['end_offset', 'bigint'],
    ],
    rows.map((r) => [r.dataFileId, r.sourceId, r.startOffset, r.endOffset]),
  );
}

export async function moveLineage(
  { db }: CatalogSql,
  fromFileIds: readonly number[],
  toFileId: number,
): Promise<void> {
  if (fromFileIds.length === 0) return;
  await db
    .updateTable('lineage')
    .set({ data_file_id: toFileId })
    .where('data_file_id', 'in', fromFileIds)
    .execute();
}

export async function removeLineage({ db }: CatalogSql, dataFileIds: readonly number[]): Promise<void> {
  if (dataFileIds.length === 0) return;
  await db
    .deleteFrom('lineage')
    .where('data_file_id', 'in', [...dataFileIds])
    .execute();
}
