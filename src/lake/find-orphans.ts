import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataFileStore } from '../catalog/ports/data-file-store.js';
import { listLakeFiles } from './list-lake-files.js';

/**
 * Files in the lake that no catalog transaction registered: temp files and renamed files whose commit
 * never happened (a crash between write and commit). Readers never see them; with `remove` they go.
 * Call only while holding the writer lock, or a running writer's file could be taken for an orphan.
 */
export async function findOrphans(
  files: Pick<DataFileStore, 'dataFiles'>,
  lakeDir: string,
  remove: boolean,
): Promise<string[]> {
  const registered = new Set((await files.dataFiles()).map((f) => f.path));
  const orphans = (await listLakeFiles(lakeDir)).filter((p) => !registered.has(p));
  if (remove) await Promise.all(orphans.map((p) => rm(join(lakeDir, p), { force: true })));
  return orphans;
}
