import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes a file's bytes to disk. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a fully written temp file to its final name so that the rename itself survives a crash. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await fsyncPath(from);
  await rename(from, to);
  await fsyncPath(dirname(to));
}
