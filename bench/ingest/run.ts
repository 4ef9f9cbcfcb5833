// The ingest benchmark: chatlake's end-to-end ingest (decode, validate, dedupe, write, commit) against DuckDB's
// own read_json → COPY parquet on the same file, in the same run. Prints ratios; numbers go to docs/benchmarks.md.
//   node bin/run-ts.js bench/ingest/run.ts [--lines 1000000] [--real] [--memory-lines 10000000]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWechatLog, type WechatLogOptions } from '../data/wechat-log.js';
import { duckdbBaseline } from './duckdb-baseline.js';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    real: { type: 'boolean', default: false },
    'memory-lines': { type: 'string' },
    out: { type: 'string', default: 'bench/out' },
  },
});
const out = args.out!;
mkdirSync(out, { recursive: true });

/** Generates a log once per option set (kept under bench/out, which git ignores). */
async function log(
  name: string,
  opts: Partial<WechatLogOptions>,
): Promise<{ path: string; bytes: number; lines: number }> {
  const path = join(out, `${name}.log`);
  const key = JSON.stringify(opts);
  const marker = `${path}.generated.json`;
  const cached = existsSync(path) && existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : null;
  if (cached?.key === key) return { path, bytes: statSync(path).size, lines: cached.lines };
  const started = performance.now();
  const e = await generateWechatLog(opts, path);
  writeFileSync(marker, JSON.stringify({ key, lines: e.lines }));
  process.stderr.write(
    `generated ${path}: ${e.lines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return { path, bytes: statSync(path).size, lines: e.lines };
}

function chatlakeIngest(path: string, name: string) {
  const dataDir = join(out, `data-${name}`);
  rmSync(dataDir, { recursive: true, force: true });
  const stdout = execFileSync(
    process.execPath,
    ['bin/run-ts.js', 'bench/ingest/ingest-child.ts', dataDir, path],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  rmSync(dataDir, { recursive: true, force: true });
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    summary: {
      linesRead: number;
      messages: number;
      seconds: number;
      duplicates: number;
      quarantined: number;
    };
    parquetBytes: number;
    maxRssMB: number;
  };
}

const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
const results: Record<string, unknown> = {};

{
  const lines = Number(args.lines);
  const input = await log(`raw-${lines}`, {
    messages: Math.round(lines / 1.052),
    shape: 'raw',
    profile: 'small',
    listIds: false,
  });
  const base = await duckdbBaseline(input.path, join(out, 'duckdb-baseline'));
  rmSync(join(out, 'duckdb-baseline'), { recursive: true, force: true });
  const ours = chatlakeIngest(input.path, 'raw');
  const baseRate = input.lines / base.seconds;
  const ourRate = ours.summary.linesRead / ours.summary.seconds;
  results.throughput = {
    input: `${input.lines} lines, ${mb(input.bytes)}`,
    duckdbLinesPerSecond: Math.round(baseRate),
    chatlakeLinesPerSecond: Math.round(ourRate),
    ratio: +(ourRate / baseRate).toFixed(3),
    chatlakeSeconds: +ours.summary.seconds.toFixed(2),
    duckdbSeconds: +base.seconds.toFixed(2),
    parquetToRaw: +(ours.parquetBytes / input.bytes).toFixed(3),
    duckdbParquetToRaw: +(base.outBytes / input.bytes).toFixed(3),
    chatlakePeakRssMB: Math.round(ours.maxRssMB),
    messages: ours.summary.messages,
  };
}

if (args.real) {
  const input = await log('real-23210', {
    messages: 23_210,
    shape: 'request-log',
    profile: 'real',
    listIds: false,
  });
  const ours = chatlakeIngest(input.path, 'real');
  results.realLog = {
    input: `${input.lines} lines, ${mb(input.bytes)}`,
    seconds: +ours.summary.seconds.toFixed(2),
    messages: ours.summary.messages,
    parquetToRaw: +(ours.parquetBytes / input.bytes).toFixed(3),
    peakRssMB: Math.round(ours.maxRssMB),
    under2s: ours.summary.seconds < 2,
  };
}

if (args['memory-lines']) {
  const lines = Number(args['memory-lines']);
  const input = await log(`raw-${lines}`, {
    messages: Math.round(lines / 1.052),
    shape: 'raw',
    profile: 'small',
    listIds: false,
  });
  const ours = chatlakeIngest(input.path, 'memory');
  results.memory = {
    input: `${input.lines} lines, ${mb(input.bytes)}`,
    seconds: +ours.summary.seconds.toFixed(1),
    peakRssMB: Math.round(ours.maxRssMB),
    under1GB: ours.maxRssMB < 1024,
  };
}

console.log(JSON.stringify(results, null, 2));
