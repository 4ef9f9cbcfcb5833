import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { partitionDir } from '../../src/lake/partition-path.js';

/** The Parquet files of these day partitions, listed from the directory tree (the hand-picked baseline). */
export function dayFiles(lakeDir: string, days: readonly string[]): string[] {
  return days.flatMap((day) => {
    const dir = join(lakeDir, partitionDir('messages', day));
    return readdirSync(dir)
      .filter((f) => f.endsWith('.parquet') && !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  });
}
