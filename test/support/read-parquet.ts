import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/** Reads a Parquet file with hyparquet: an independent reader, so our files are proven standard, not just DuckDB-readable. */
export async function readParquetRows(path: string): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: await asyncBufferFromFile(path), compressors });
}

export async function parquetCodecs(path: string): Promise<string[]> {
  const meta = await parquetMetadataAsync(await asyncBufferFromFile(path));
  return [...new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => String(c.meta_data?.codec))))];
}
