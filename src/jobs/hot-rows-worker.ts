// The worker thread behind `HotRowsThread`: its own catalog connection and DuckDB, so the rows a hot compaction
// moves are read, parsed and written off the service's event loop. One request at a time.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openCatalog } from '../app/open-catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { openDuckDB } from '../lake/duckdb-engine.js';
import { LakeWriter } from '../lake/lake-writer.js';
import type { HotRowsReply, HotRowsRequest } from './hot-rows-thread.js';
import { writeHotRows } from './write-hot-rows.js';

const config = (workerData as { config: ResolvedConfig }).config;
const port = parentPort!;
const catalog = await openCatalog(config, { migrate: false });
const duck = await openDuckDB({
  memoryLimit: config.duckdbMemory,
  // Not the main instance's directory: two DuckDB instances must not share spill files.
  tempDir: join(config.dataDir, 'tmp', 'duckdb-compaction'),
});
const writer = new LakeWriter(duck, config.lakeDir);

port.on('message', async (request: HotRowsRequest) => {
  if (request.close) {
    duck.closeSync();
    await catalog.close();
    port.close();
    return;
  }
  let reply: HotRowsReply;
  try {
    reply = { written: await writeHotRows(catalog, writer, request.maxRows) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies HotRowsReply);
