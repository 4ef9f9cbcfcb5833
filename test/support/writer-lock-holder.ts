import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pid in a data directory's writer lock (a compaction or start-up cleanup holds it), or null. A process
 * SIGKILLed while holding it leaves the file behind: its pid there afterwards means the kill landed inside.
 */
export function writerLockHolder(dataDir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'writer.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}
