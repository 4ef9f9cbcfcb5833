import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes a file's bytes to disk. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves fully written temp files to their final names so that contents and renames survive a crash. */
export async function publishDurably(moves: readonly { from: string; to: string }[]): Promise<void> {
  await Promise.all(moves.map((m) => fsyncPath(m.from)));
  await Promise.all(moves.map((m) => rename(m.from, m.to)));
  await Promise.all([...new Set(moves.map((m) => dirname(m.to)))].map(fsyncPath));
}
