import type { Catalog } from '../catalog/catalog.js';
import type { HotFilter, HotRecordRow } from '../catalog/service-catalog.js';
import type { Dataset } from '../core/lake-record.js';

/**
 * The registered files and hot rows a read sees, as of one moment. A compaction moves hot rows into a new
 * file in one transaction; had it committed between the two lists, its rows would be read twice (or not at
 * all), so the dataset's files version is read before and after, and a change means listing both again.
 */
export async function catalogSnapshot<F>(
  catalog: Catalog,
  dataset: Dataset,
  filter: HotFilter,
  listFiles: () => Promise<F[]>,
): Promise<{ files: F[]; hot: HotRecordRow[]; filesVersion: string }> {
  for (;;) {
    const filesVersion = await catalog.dataFilesVersion(dataset);
    const hot = await catalog.hotRecords(filter);
    const files = await listFiles();
    if ((await catalog.dataFilesVersion(dataset)) === filesVersion) return { files, hot, filesVersion };
  }
}
