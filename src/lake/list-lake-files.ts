import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Every file under the lake root, as lake-relative paths with forward slashes. */
export async function listLakeFiles(lakeDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else out.push(relative(lakeDir, path).split(sep).join('/'));
    }
  };
  await walk(lakeDir);
  return out.sort();
}
