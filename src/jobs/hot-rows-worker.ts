// The worker thread behind `HotRowsThread`: its own catalog connection and DuckDB, so the rows a hot compaction
// moves are read, parsed and written off the service's event loop. One request at a time.
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { openCatalog } from '../catalog/open-catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { openDuckDB } from '../lake/duckdb-engine.js';
import { LakeWriter } from '../lake/lake-writer.js';
import { serveRequests } from './worker-thread.js';
import { writeHotRows } from './write-hot-rows.js';

const config = (workerData as { config: ResolvedConfig }).config;
const catalog = await openCatalog(config, { migrate: false });
const duck = await openDuckDB({
  memoryLimit: config.duckdbMemory,
  // Not the main instance's directory: two DuckDB instances must not share spill files.
  tempDir: join(config.dataDir, 'tmp', 'duckdb-compaction'),
});
const writer = new LakeWriter(duck, config.lakeDir);

serveRequests(
  (maxRows: number) => writeHotRows(catalog, writer, maxRows),
  async () => {
    duck.closeSync();
    await catalog.close();
  },
);
