// The query benchmark (issue 3): warm medians of chatlake's library API over a generated 10 M-message lake,
// each against DuckDB answering the same question over the hand-picked Parquet files in the same process;
// then peak memory of exporting every message to Parquet and CSV through the CLI (child processes).
//   node bin/run-ts.js bench/query/run.ts [--messages 10000000] [--runs 15] [--warmup 3] [--no-export] [--validate]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openLake, type QueryOptions } from '../../src/index.js';
import { openDuckDB, sqlString } from '../../src/lake/duckdb-engine.js';
import { MESSAGE_COLUMNS } from '../../src/lake/lake-columns.js';
import { dayFiles } from './lake-files.js';
import {
  buildQueryLake,
  builtLake,
  DEFAULT_SPEC,
  dayName,
  dayOfIndex,
  messageIdOf,
  roomId,
  SEARCH_TERM,
  saveMarker,
} from './query-lake.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: String(DEFAULT_SPEC.messages) },
    runs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    'no-export': { type: 'boolean', default: false },
    validate: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/out' },
  },
});
const spec = { ...DEFAULT_SPEC, messages: Number(args.messages) };
const dataDir = resolve(
  args.out!,
  spec.messages === DEFAULT_SPEC.messages ? 'query-lake-10m' : `query-lake-${spec.messages}`,
);
const lakeDir = join(dataDir, 'lake');
const runs = Number(args.runs);
const warmup = Number(args.warmup);

let marker = builtLake(dataDir, spec);
if (!marker) marker = await buildQueryLake(dataDir, spec);
if (args.validate || !marker.validated) {
  const lake = await openLake({ dataDir });
  const report = await lake.validate();
  await lake.close();
  for (const p of report.problems.slice(0, 10)) process.stderr.write(`validate: ${p.check}: ${p.detail}\n`);
  marker.validated = { ok: report.ok, problems: report.problems.length, seconds: +report.seconds.toFixed(1) };
  saveMarker(dataDir, marker);
}
process.stderr.write(
  `lake: ${dataDir} (${marker.files} files), validate ${JSON.stringify(marker.validated)}\n`,
);

// The questions: one chatroom, one day in the middle of the year, its month.
const ROOM = roomId(42);
const DAY = dayName(spec, 165);
const MONTH = DAY.slice(0, 7);
const monthDays = Array.from({ length: spec.days }, (_, d) => dayName(spec, d)).filter((d) =>
  d.startsWith(MONTH),
);
const allDays = Array.from({ length: spec.days }, (_, d) => dayName(spec, d));
const nextMonth = new Date(`${MONTH}-01T00:00:00Z`);
nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1);
const utc = (day: string) => `'${day} 00:00:00+00'::TIMESTAMPTZ`;
const dayRange = `sent_at >= ${utc(DAY)} AND sent_at < ${utc(dayName(spec, 166))}`;
const monthRange = `sent_at >= ${utc(`${MONTH}-01`)} AND sent_at < ${utc(nextMonth.toISOString().slice(0, 10))}`;
const GET_INDICES = Array.from({ length: 10 }, (_, k) => Math.floor(((k + 0.5) * spec.messages) / 10) + k);

const lake = await openLake({ dataDir });
const duck: DuckDBConnection = await openDuckDB({
  memoryLimit: '384MB',
  tempDir: join(dataDir, 'tmp', 'baseline'),
});
const columns = MESSAGE_COLUMNS.map((c) => `"${c.name}"`).join(', ');
const quote = (s: string) => sqlString(s);

/** DuckDB directly: the same question over an explicit list of files; returns the message ids in order. */
async function direct(
  files: readonly string[],
  where: string,
  tail: string,
  select = columns,
): Promise<string[]> {
  const sql = `SELECT ${select} FROM read_parquet([${files.map(quote).join(', ')}]) WHERE ${where} ${tail}`;
  return (await duck.runAndReadAll(sql)).getRowObjectsJS().map((r) => String(r.message_id));
}
async function product(q: QueryOptions): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of lake.query(q)) ids.push(String(row.message_id));
  return ids;
}
const ids = (rows: readonly Record<string, unknown>[]) => rows.map((r) => String(r.message_id));

const firstPage = await lake.page({ conversation: ROOM, from: MONTH, to: MONTH, limit: 50 });
const lastOfFirst = firstPage.rows.at(-1)!;
const cursorTime = `'${(lastOfFirst.sent_at as Date).toISOString()}'::TIMESTAMPTZ`;
const latestPage = await lake.page({ conversation: ROOM, order: 'desc', limit: 50 });
const lastOfLatest = latestPage.rows.at(-1)!;
const latestCursorTime = `'${(lastOfLatest.sent_at as Date).toISOString()}'::TIMESTAMPTZ`;
const getIds = GET_INDICES.map(messageIdOf);
const getDays = [...new Set(GET_INDICES.map((i) => dayName(spec, dayOfIndex(spec, i))))];
const convWhere = `conversation_id = ${quote(ROOM)}`;
const asc = 'ORDER BY sent_at, message_id';
const desc = 'ORDER BY sent_at DESC, message_id DESC';

interface Case {
  name: string;
  /** Bar in ms, when the issue sets one. */
  bar?: number;
  product: () => Promise<string[]>;
  direct: () => Promise<string[]>;
}

const cases: Case[] = [
  {
    name: `1. one day (${DAY}) of one chatroom, all rows`,
    bar: 50,
    product: () => product({ from: DAY, to: DAY, conversation: ROOM }),
    direct: () => direct(dayFiles(lakeDir, [DAY]), `${dayRange} AND ${convWhere}`, asc),
  },
  {
    name: `2a. one month (${MONTH}) of one chatroom, all rows`,
    bar: 300,
    product: () => product({ from: MONTH, to: MONTH, conversation: ROOM }),
    direct: () => direct(dayFiles(lakeDir, monthDays), `${monthRange} AND ${convWhere}`, asc),
  },
  {
    name: `2b. one month (${MONTH}), all chatrooms, first page of 50`,
    bar: 300,
    product: async () => ids((await lake.page({ from: MONTH, to: MONTH, limit: 50 })).rows),
    direct: () => direct(dayFiles(lakeDir, monthDays), monthRange, `${asc} LIMIT 50`),
  },
  {
    name: `2c. one month (${MONTH}), all chatrooms, count (library sql())`,
    bar: 300,
    product: async () => {
      const rows: Record<string, unknown>[] = [];
      for await (const r of lake.sql(`SELECT count(*) AS n FROM messages WHERE ${monthRange}`)) rows.push(r);
      return [String(rows[0]!.n)];
    },
    direct: async () => {
      const sql = `SELECT count(*) AS n FROM read_parquet([${dayFiles(lakeDir, monthDays).map(quote).join(', ')}]) WHERE ${monthRange}`;
      return [String((await duck.runAndReadAll(sql)).getRowObjectsJS()[0]!.n)];
    },
  },
  {
    name: '3a. a chatroom in a month: first page of 50',
    bar: 20,
    product: async () =>
      ids((await lake.page({ conversation: ROOM, from: MONTH, to: MONTH, limit: 50 })).rows),
    direct: () => direct(dayFiles(lakeDir, monthDays), `${monthRange} AND ${convWhere}`, `${asc} LIMIT 50`),
  },
  {
    name: '3b. same, next page by cursor',
    bar: 20,
    product: async () =>
      ids(
        (
          await lake.page({
            conversation: ROOM,
            from: MONTH,
            to: MONTH,
            limit: 50,
            cursor: firstPage.cursor!,
          })
        ).rows,
      ),
    direct: () =>
      direct(
        dayFiles(lakeDir, monthDays),
        `${monthRange} AND ${convWhere} AND (sent_at > ${cursorTime} OR (sent_at = ${cursorTime} AND message_id > ${quote(String(lastOfFirst.message_id))}))`,
        `${asc} LIMIT 50`,
      ),
  },
  {
    name: '3c. a chatroom, no time range: latest 50 (newest first)',
    bar: 20,
    product: async () => ids((await lake.page({ conversation: ROOM, order: 'desc', limit: 50 })).rows),
    direct: () => direct(dayFiles(lakeDir, allDays), convWhere, `${desc} LIMIT 50`),
  },
  {
    name: '3d. same, next (older) page by cursor',
    bar: 20,
    product: async () =>
      ids(
        (await lake.page({ conversation: ROOM, order: 'desc', limit: 50, cursor: latestPage.cursor! })).rows,
      ),
    direct: () =>
      direct(
        dayFiles(lakeDir, allDays),
        `${convWhere} AND (sent_at < ${latestCursorTime} OR (sent_at = ${latestCursorTime} AND message_id < ${quote(String(lastOfLatest.message_id))}))`,
        `${desc} LIMIT 50`,
      ),
  },
  {
    name: `4. text contains '${SEARCH_TERM}' over one month, all rows`,
    product: () => product({ from: MONTH, to: MONTH, text: SEARCH_TERM }),
    direct: () =>
      direct(
        dayFiles(lakeDir, monthDays),
        `${monthRange} AND contains(lower(text), lower('${SEARCH_TERM}'))`,
        asc,
      ),
  },
  {
    name: '5. get 10 messages by id (10 different days)',
    product: async () => ids(await lake.get(getIds)),
    direct: async () => {
      const found = await direct(
        dayFiles(lakeDir, getDays),
        `platform = 'wechat' AND message_id IN (${getIds.map(quote).join(', ')})`,
        '',
        '*',
      );
      return getIds.filter((id) => found.includes(id));
    },
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const results: Record<string, unknown>[] = [];
for (const c of cases) {
  const ours = await c.product();
  const theirs = await c.direct();
  if (ours.join() !== theirs.join())
    throw new Error(`${c.name}: chatlake and DuckDB disagree (${ours.length} vs ${theirs.length} rows)`);
  for (let i = 0; i < warmup; i++) {
    await c.product();
    await c.direct();
  }
  const productMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    productMs.push(await time(c.product));
    directMs.push(await time(c.direct));
  }
  const p = median(productMs);
  const d = median(directMs);
  const row = {
    case: c.name,
    rows: c.name.includes('count') ? Number(ours[0]) : ours.length,
    barMs: c.bar ?? null,
    chatlakeMs: +p.toFixed(1),
    duckdbMs: +d.toFixed(1),
    ratio: +(p / d).toFixed(2),
    met: c.bar === undefined ? null : p <= c.bar,
  };
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
await lake.close();
duck.closeSync();

/** Runs a command in a child under /usr/bin/time -v; returns wall seconds and the child's peak RSS. */
function measured(command: string[]): { seconds: number; maxRssMB: number; stdout: string } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', ...command], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed:\n${r.stderr}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  return { seconds, maxRssMB: kb / 1024, stdout: r.stdout };
}

const exports: Record<string, unknown>[] = [];
if (!args['no-export']) {
  const listPath = join(dataDir, 'tmp', 'all-files.json');
  writeFileSync(listPath, JSON.stringify(dayFiles(lakeDir, allDays)));
  for (const format of ['parquet', 'csv'] as const) {
    const out = resolve(args.out!, `query-export.${format}`);
    const ours = measured([
      process.execPath,
      'bin/chatlake.js',
      '--data-dir',
      dataDir,
      'query',
      '--format',
      format,
      '--output',
      out,
    ]);
    const ourBytes = statSync(out).size;
    rmSync(out, { force: true });
    const base = measured([
      process.execPath,
      'bin/run-ts.js',
      'bench/query/duckdb-export.ts',
      format,
      out,
      listPath,
    ]);
    const baseBytes = existsSync(out) ? statSync(out).size : 0;
    rmSync(out, { force: true });
    rmSync(`${out}.tmp`, { recursive: true, force: true });
    const row = {
      export: `all ${spec.messages} messages to ${format}`,
      barMB: 1024,
      chatlakeSeconds: +ours.seconds.toFixed(1),
      chatlakePeakRssMB: Math.round(ours.maxRssMB),
      chatlakeMB: Math.round(ourBytes / 1048576),
      duckdbSeconds: +base.seconds.toFixed(1),
      duckdbPeakRssMB: Math.round(base.maxRssMB),
      duckdbMB: Math.round(baseBytes / 1048576),
      ratio: +(ours.seconds / base.seconds).toFixed(2),
      met: ours.maxRssMB < 1024,
    };
    exports.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
}

console.log(JSON.stringify({ lake: { dataDir, ...marker }, runs, warmup, results, exports }, null, 2));
