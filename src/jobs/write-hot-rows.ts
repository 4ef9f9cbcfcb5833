import type { Catalog } from '../catalog/catalog.js';
import type { HotRecordRow } from '../catalog/service-catalog.js';
import type { Dataset } from '../core/lake-record.js';
import type { LakeWriter, StagedRow, WrittenFile } from '../lake/lake-writer.js';

/** The oldest hot rows written as Parquet files, not yet registered: the ids of those rows and the files. */
export interface HotRowsWritten {
  ids: number[];
  files: WrittenFile[];
}

/**
 * Reads the oldest hot rows (up to maxRows) and writes them as Parquet, one file per dataset and partition
 * (invisible until a catalog transaction registers them). The service runs this in a worker thread
 * (`HotRowsThread`): reading, parsing and handing 20,000 rows to DuckDB holds a thread for ≈ 350-450 ms.
 */
export async function writeHotRows(
  catalog: Catalog,
  writer: LakeWriter,
  maxRows: number,
): Promise<HotRowsWritten> {
  const rows = await catalog.hotRecords({ order: 'id', limit: maxRows });
  const byDataset = new Map<Dataset, StagedRow<unknown>[]>();
  for (const r of rows) {
    const list = byDataset.get(r.dataset) ?? [];
    list.push(staged(r));
    byDataset.set(r.dataset, list);
  }
  const files: WrittenFile[] = [];
  try {
    for (const [dataset, list] of byDataset) files.push(...(await writer.write(dataset, list)));
  } catch (error) {
    await writer.discard(files);
    throw error;
  }
  return { ids: rows.map((r) => r.id), files };
}

function staged(r: HotRecordRow): StagedRow<unknown> {
  return { partition: r.partition, time: r.time, record: JSON.parse(r.record) as { raw: string } };
}
