import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatlakeError } from '../core/errors.js';

/**
 * One writer of Parquet files per data directory at a time (ingest, compaction, repair): a lock file
 * holding the owner's pid. A lock whose process is gone (a crash, SIGKILL) is taken over.
 */
export class WriterLock {
  private constructor(private readonly path: string) {}

  static acquire(dataDir: string, purpose: string): WriterLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'writer.lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(path, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }), {
          flag: 'wx',
        });
        return new WriterLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && isAlive(holder.pid)) {
          throw new ChatlakeError(
            'busy',
            `another chatlake process (pid ${holder.pid}, ${holder.purpose}) is writing to ${dataDir}`,
            'wait for it to finish, or stop it; a lock left by a crashed process is taken over automatically',
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new ChatlakeError('busy', `could not take the writer lock ${path}`);
  }

  /** The lock, or null if another live process holds it (background jobs skip a round instead of failing). */
  static tryAcquire(dataDir: string, purpose: string): WriterLock | null {
    try {
      return WriterLock.acquire(dataDir, purpose);
    } catch (error) {
      if (error instanceof ChatlakeError && error.code === 'busy') return null;
      throw error;
    }
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

function readHolder(path: string): { pid: number; purpose: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
