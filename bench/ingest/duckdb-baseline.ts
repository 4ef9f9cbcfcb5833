import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckdbBaselineResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  outBytes: number;
}

const DATA_FIELDS = [
  'from_username',
  'to_username',
  'chatroom',
  'chatroom_sender',
  'msg_id',
  'msg_type',
  'create_time',
  'is_chatroom_msg',
  'content',
  'desc',
  'source',
];

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * DuckDB alone: 1010 records of a raw-envelope log straight to day-partitioned zstd Parquet with one
 * COPY. No dedup or validation: the floor any real ingest is compared against.
 */
export async function duckdbBaseline(logPath: string, outDir: string): Promise<DuckdbBaselineResult> {
  const started = performance.now();
  mkdirSync(outDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run("SET TimeZone='UTC'");
    const struct = DATA_FIELDS.map((f) => `"${f}" VARCHAR`).join(', ');
    const columns = `{guid: 'VARCHAR', notify_type: 'BIGINT', data: ${quote(`STRUCT(${struct})`)}}`;
    const sql = `COPY (
      SELECT guid, data.msg_id AS msg_id, data.from_username AS from_username, data.to_username AS to_username,
        data.chatroom AS chatroom, data.chatroom_sender AS chatroom_sender, data.msg_type AS msg_type,
        data.create_time AS create_time, data.content AS content, data."source" AS "source",
        year(ts) AS year, month(ts) AS month, day(ts) AS day
      FROM (
        SELECT *, to_timestamp(TRY_CAST(data.create_time AS BIGINT)) AS ts
        FROM read_json(${quote(resolve(logPath))}, format='newline_delimited', ignore_errors=true,
          maximum_object_size=67108864, columns=${columns})
        WHERE notify_type = 1010 AND data.msg_id IS NOT NULL
      )
      WHERE ts IS NOT NULL
    ) TO ${quote(resolve(outDir))} (FORMAT parquet, PARTITION_BY (year, month, day), COMPRESSION zstd, OVERWRITE_OR_IGNORE)`;
    const result = await db.runAndReadAll(sql);
    const rows = Number(result.getRows()[0]?.[0] ?? 0);
    const seconds = (performance.now() - started) / 1000;
    return { rows, seconds, rowsPerSecond: Math.round(rows / seconds), outBytes: dirBytes(outDir) };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const [logPath, outDir] = process.argv.slice(2);
  if (!logPath || !outDir) {
    console.error('usage: node bin/run-ts.js bench/ingest/duckdb-baseline.ts LOG OUT_DIR');
    process.exit(2);
  }
  console.log(JSON.stringify(await duckdbBaseline(logPath, outDir)));
}
