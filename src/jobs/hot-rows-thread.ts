import type { ResolvedConfig } from '../config/resolved-config.js';
import { WorkerThread } from './worker-thread.js';
import type { HotRowsWritten } from './write-hot-rows.js';

/**
 * `writeHotRows` on a worker thread (`hot-rows-worker.ts`: its own catalog connection and DuckDB). A hot
 * compaction of 20,000 rows held the service's event loop for ≈ 350-450 ms reading, parsing and handing them
 * to DuckDB; now only its catalog transaction runs on it.
 */
export class HotRowsThread {
  private readonly thread: WorkerThread<number, HotRowsWritten>;

  constructor(config: ResolvedConfig) {
    this.thread = new WorkerThread(
      import.meta.url,
      'hot-rows-worker',
      { config },
      'hot-tier compaction worker',
    );
  }

  write(maxRows: number): Promise<HotRowsWritten> {
    return this.thread.request(maxRows);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
