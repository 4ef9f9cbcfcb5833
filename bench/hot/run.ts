// The hot tier alone, in process: decoded webhook bodies accepted in concurrent groups (as 50 connections
// would), committed through the real catalog. Prints messages/s and µs of CPU per message (all threads),
// beside the baseline of decoding the same bodies without storing them.
//   node bin/run-ts.js bench/hot/run.ts [--messages 20000] [--concurrency 50] [--database-url URL]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLake } from '../../src/app/open-lake.js';
import type { AcceptItem } from '../../src/ingest/hot-tier.js';
import { HotTier } from '../../src/ingest/hot-tier.js';
import { SchemaTracker } from '../../src/ingest/schema-tracker.js';
import { BodySource, webhookBodies } from '../http/bodies.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    'database-url': { type: 'string' },
    out: { type: 'string', default: 'bench/out' },
  },
});
const total = Number(args.messages);
const concurrency = Number(args.concurrency);
const dataDir = join(args.out!, 'hot-bench');
rmSync(dataDir, { recursive: true, force: true });

const pool = await webhookBodies(Math.min(total, 50_000), { startIndex: 0 });
const source = new BodySource(pool, 0);
const lake = await openLake({
  dataDir,
  ...(args['database-url'] ? { databaseUrl: args['database-url'] } : {}),
});
const adapter = lake.adapter('wechat');
const hot = new HotTier(lake.catalog, lake.localDay, await SchemaTracker.load(lake.catalog));

function item(from = source): AcceptItem {
  const text = from.take().body;
  const payload = JSON.parse(text);
  const now = Date.now();
  const decoded = adapter.decode(payload, { rawText: text, receivedAt: now, fallbackTime: now });
  if (!decoded.ok) throw new Error(decoded.reason);
  const fields = new Set<string>();
  adapter.payloadFields?.(payload, fields);
  return { records: decoded.records, fields };
}

async function run(n: number): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < n) {
      sent++;
      await hot.accept(item());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

// Baseline: the decode alone (JSON.parse + the WeChat adapter), which every stored message also pays.
const decodeOnly = new BodySource(pool, 0);
const decodeCpu = process.cpuUsage();
for (let i = 0; i < total; i++) item(decodeOnly);
const decoded = process.cpuUsage(decodeCpu);

await run(Math.min(2_000, total)); // warm-up
const commits = hot.counters.commits;
const cpu = process.cpuUsage();
const t = performance.now();
await run(total);
const seconds = (performance.now() - t) / 1000;
const used = process.cpuUsage(cpu);
const batches = hot.counters.commits - commits;
console.log(
  JSON.stringify({
    backend: lake.catalog.backend,
    messages: total,
    concurrency,
    perSecond: Math.round(total / seconds),
    cpuMicrosPerMessage: Math.round((used.user + used.system) / total),
    decodeOnlyCpuMicrosPerMessage: Math.round((decoded.user + decoded.system) / total),
    messagesPerCommit: +(total / batches).toFixed(1),
  }),
);
await lake.close();
rmSync(dataDir, { recursive: true, force: true });
