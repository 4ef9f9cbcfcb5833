import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { HotRowsWritten } from './write-hot-rows.js';

export type HotRowsRequest = { maxRows: number; close?: undefined } | { close: true };
export type HotRowsReply = { ready: true } | { written: HotRowsWritten } | { error: string };

/**
 * `writeHotRows` on a worker thread (`hot-rows-worker.ts`: its own catalog connection and DuckDB), started on
 * first use and started again after it died. A hot compaction of 20,000 rows held the service's event loop for
 * ≈ 350-450 ms reading, parsing and handing them to DuckDB; now only its catalog transaction runs on it.
 */
export class HotRowsThread {
  private worker: Promise<Worker> | null = null;
  private pending: { resolve(w: HotRowsWritten): void; reject(e: Error): void } | null = null;
  /** Requests go one at a time: the worker answers them in order, one pending at most. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: ResolvedConfig) {}

  write(maxRows: number): Promise<HotRowsWritten> {
    const next = this.queue.then(async () => {
      const worker = await this.started();
      return new Promise<HotRowsWritten>((resolve, reject) => {
        this.pending = { resolve, reject };
        worker.postMessage({ maxRows } satisfies HotRowsRequest);
      });
    });
    this.queue = next.catch(() => {});
    return next;
  }

  /** Lets the worker close its connections and exit (after the request in progress, if any). */
  async close(): Promise<void> {
    await this.queue;
    const worker = await this.worker?.catch(() => null);
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ close: true } satisfies HotRowsRequest);
    await exited;
  }

  private started(): Promise<Worker> {
    if (this.worker) return this.worker;
    const started = new Promise<Worker>((resolve, reject) => {
      const worker = spawn(this.config);
      // 'error' is followed by 'exit': only the first one counts, and only while this worker is the current one.
      const failed = (error: Error) => {
        if (this.worker !== started) return;
        this.worker = null;
        reject(error);
        this.pending?.reject(error);
        this.pending = null;
      };
      worker.on('message', (reply: HotRowsReply) => {
        if ('ready' in reply) return resolve(worker);
        const pending = this.pending;
        this.pending = null;
        if ('error' in reply) pending?.reject(new Error(reply.error));
        else pending?.resolve(reply.written);
      });
      worker.on('error', (error) => failed(new Error(`hot-tier compaction worker failed: ${error.message}`)));
      worker.on('exit', (code) => failed(new Error(`hot-tier compaction worker exited (code ${code})`)));
    });
    this.worker = started;
    return started;
  }
}

/** The compiled worker, or (running from the TypeScript source, as tests and `bin/run-ts.js` do) tsx first. */
function spawn(config: ResolvedConfig): Worker {
  const workerData = { config };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./hot-rows-worker.js', import.meta.url), { workerData });
  }
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./hot-rows-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, {
    eval: true,
    workerData,
  });
}
