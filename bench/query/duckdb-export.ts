// The export baseline, run as a child so its peak memory is its own: DuckDB alone copies every message of
// the hand-picked files (same columns, same order as chatlake's export) to one Parquet or CSV file.
//   node bin/run-ts.js bench/query/duckdb-export.ts parquet|csv OUT FILE_LIST.json
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDB, sqlString } from '../../src/lake/duckdb-engine.js';
import { MESSAGE_COLUMNS } from '../../src/lake/lake-columns.js';

const [format, out, listPath] = process.argv.slice(2);
const files = JSON.parse(readFileSync(listPath!, 'utf8')) as string[];
const duck = await openDuckDB({ memoryLimit: '384MB', tempDir: join(`${out}.tmp`) });
const started = performance.now();
const columns = MESSAGE_COLUMNS.map((c) => `"${c.name}"`).join(', ');
const options = format === 'csv' ? '(FORMAT csv, HEADER)' : '(FORMAT parquet, COMPRESSION zstd)';
const reader = await duck.runAndReadAll(
  `COPY (SELECT ${columns} FROM read_parquet([${files.map(sqlString).join(', ')}]) ORDER BY sent_at, message_id) ` +
    `TO ${sqlString(out!)} ${options}`,
);
const rows = Number(reader.getRows()[0]?.[0] ?? 0);
duck.closeSync();
process.stdout.write(
  `${JSON.stringify({ rows, seconds: (performance.now() - started) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
