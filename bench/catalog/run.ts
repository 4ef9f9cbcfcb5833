// The catalog benchmark: batched message commits, one catalog.write() per batch doing what commitBatch does in
// the catalog (claim identities, register one file per partition, lineage, conversations, checkpoint), on
// PostgreSQL (a real server this script starts) and on SQLite, same batches. Numbers go to docs/benchmarks.md.
//   node bin/run-ts.js bench/catalog/run.ts [--batches 100] [--size 10000] [--max-seconds 60]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Catalog } from '../../src/catalog/catalog.js';
import { openPostgresCatalog } from '../../src/catalog/postgres/open-postgres-catalog.js';
import { openSqliteCatalog } from '../../src/catalog/sqlite/open-sqlite-catalog.js';
import { encodeFileCursor } from '../../src/platforms/file-cursor.js';
import { createDatabase, startPostgresServer } from '../../test/support/postgres-server.js';
import { tempDir } from '../../test/support/temp-dir.js';
import { batchEffects, messageBatches } from './message-batches.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '100' },
    size: { type: 'string', default: '10000' },
    'max-seconds': { type: 'string', default: '60' },
    'redelivery-rate': { type: 'string', default: '0.03' },
  },
});
const opts = {
  batches: Number(args.batches),
  size: Number(args.size),
  rooms: 300,
  days: 30,
  redeliveryRate: Number(args['redelivery-rate']),
  seed: 42,
};
const maxMs = Number(args['max-seconds']) * 1000;

interface Result {
  batches: number;
  rows: number;
  stored: number;
  seconds: number;
  rowsPerSecond: number;
  p50BatchMs: number;
  maxBatchMs: number;
}

async function run(catalog: Catalog): Promise<Result> {
  const source = await catalog.source('bench://catalog', 'bench', 'wechat');
  const batches = [...messageBatches(opts)]; // made before the clock starts: only commits are timed
  const times: number[] = [];
  let rows = 0;
  let stored = 0;
  const started = performance.now();
  let batchNo = 0;
  for (const batch of batches) {
    const t0 = performance.now();
    const fresh = await catalog.write(async (tx) => {
      const fresh = await tx.claimKeys('messages', 'wechat', batch.claims);
      const { files, conversations } = batchEffects(batch, fresh, batchNo);
      const ids = await tx.addDataFiles(files, null);
      await tx.addLineage(
        ids.map((dataFileId) => ({
          dataFileId,
          sourceId: source.id,
          startOffset: batchNo,
          endOffset: batchNo + 1,
        })),
      );
      await tx.touchConversations(conversations);
      await tx.saveCheckpoint({
        sourceId: source.id,
        cursor: encodeFileCursor({
          offset: batchNo + 1,
          line: rows + batch.claims.length,
          fileSize: 0,
          fileId: null,
          headHash: null,
          tailHash: null,
        }),
      });
      return fresh;
    });
    times.push(performance.now() - t0);
    rows += batch.claims.length;
    stored += fresh.size;
    batchNo++;
    if (performance.now() - started > maxMs) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const partitions = await catalog.partitions('messages');
  const total = partitions.reduce((n, p) => n + p.rows, 0);
  if (total !== stored || (await catalog.keyCount('messages')) !== stored)
    throw new Error(`catalog totals ${total} disagree with ${stored} stored`);
  times.sort((a, b) => a - b);
  return {
    batches: times.length,
    rows,
    stored,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(rows / seconds),
    p50BatchMs: Math.round(times[Math.floor(times.length / 2)]!),
    maxBatchMs: Math.round(times.at(-1)!),
  };
}

const results: Record<string, Result> = {};
const server = await startPostgresServer();
try {
  const database = await createDatabase(server.url);
  const pg = await openPostgresCatalog(database.url);
  try {
    results.postgres = await run(pg);
  } finally {
    await pg.close();
    await database.drop();
  }
} finally {
  await server.stop();
}
const dir = tempDir('chatlake-bench-');
try {
  const sqlite = await openSqliteCatalog(join(dir.path, 'catalog.sqlite'));
  try {
    results.sqlite = await run(sqlite);
  } finally {
    await sqlite.close();
  }
} finally {
  dir.remove();
}

console.table(results);
console.log(JSON.stringify({ options: { ...opts, maxSeconds: maxMs / 1000 }, results }));
