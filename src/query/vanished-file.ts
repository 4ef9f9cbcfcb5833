import { join, relative } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';

/** Reads of files that vanished meanwhile are made again, this many times in all at most. */
export const VANISHED_ATTEMPTS = 3;

/**
 * Whether a read failed because a lake file it listed was deleted before DuckDB opened it: another process
 * merged it away meanwhile (`chatlake compact` deletes what it replaced at once; the service keeps them 10
 * minutes). Listing the files again finds the file that replaced it.
 */
export function vanished(error: unknown, lakeDir: string): boolean {
  return (
    error instanceof Error &&
    error.message.includes(lakeDir) &&
    /No files found that match the pattern|Cannot open file[^\n]*No such file/.test(error.message)
  );
}

/**
 * A read that still finds a listed file gone after listing the files again, and the catalog still registers
 * it: the file is missing from the lake (deleted, or lost with a disk). Said as such, naming the file and
 * the repair; any other error is returned as it is.
 */
export async function missingFile(error: unknown, catalog: Catalog, lakeDir: string): Promise<unknown> {
  if (!vanished(error, lakeDir)) return error;
  const path = /"([^"]+)"/.exec((error as Error).message)?.[1];
  if (!path) return error;
  const registered = (await catalog.dataFiles()).some((f) => join(lakeDir, f.path) === path);
  if (!registered) return error;
  const name = relative(lakeDir, path);
  return new ChatlakeError(
    'integrity',
    `lake file ${name} is missing: the catalog lists it but it is not in ${lakeDir}`,
    'run chatlake validate --repair, then ingest the source again',
  );
}

/** `read` again when a file it listed vanished meanwhile (see `vanished`). */
export async function retryVanished<T>(
  read: () => Promise<T>,
  catalog: Catalog,
  lakeDir: string,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt === VANISHED_ATTEMPTS || !vanished(error, lakeDir))
        throw await missingFile(error, catalog, lakeDir);
    }
  }
}
