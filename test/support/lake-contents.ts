import { join } from 'node:path';
import type { Lake } from '../../src/app/open-lake.js';
import type { Dataset } from '../../src/core/lake-record.js';
import { readParquetRows } from './read-parquet.js';

/** Every row of a dataset's registered files, read with hyparquet (not DuckDB). */
export async function lakeRows(lake: Lake, dataset: Dataset): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const f of await lake.catalog.dataFiles({ dataset })) {
    for (const r of await readParquetRows(join(lake.config.lakeDir, f.path)))
      rows.push({ ...r, $partition: f.partition });
  }
  return rows;
}
