// The CLI start-up benchmark (issue 12 item 19): wall time of `chatlake --help`, `stats` and `get` on a small
// lake, each against `node -e 0` measured in the same run (interleaved, so the machine's load hits all alike).
// Median of --runs child processes; the ratio to `node -e 0` is what docs/benchmarks.md records.
//   node bin/run-ts.js bench/startup/run.ts [--runs 15] [--json]
// Two ways in: "bin" is bin/chatlake.js as users run it (dist/ when it is newer than src/, else tsx: the row
// says which), "source" is bin's tsx path forced (the TypeScript source through tsx, as after an edit).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWechatLogBuffer } from '../data/wechat-log.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'chatlake.js');
const sourceEntry = [
  "const { register } = await import('tsx/esm/api');",
  'register();',
  `const { main } = await import(${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))});`,
  'process.exitCode = await main(process.argv);',
].join('\n');

function binMode(): string {
  const dist = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(dist)) return 'tsx (no dist/)';
  return statSync(dist).mtimeMs >= newestSource() ? 'dist' : 'tsx (dist/ older than src/)';
}

function newestSource(): number {
  let newest = 0;
  for (const e of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true }))
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  return newest;
}

const dir = mkdtempSync(join(tmpdir(), 'chatlake-startup-'));
const dataDir = join(dir, 'data');
const log = join(dir, 'in.jsonl');

function time(argv: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

try {
  const { data, expected } = await generateWechatLogBuffer({ messages: 1000, seed: 7, listIds: true });
  writeFileSync(log, data);
  const ingest = spawnSync(process.execPath, [bin, '--data-dir', dataDir, 'ingest', log], { stdio: 'pipe' });
  if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
  const id = expected.messageIds![0]!;
  const commands: Record<string, string[]> = {
    '--help': ['--help'],
    stats: ['--data-dir', dataDir, 'stats'],
    get: ['--data-dir', dataDir, 'get', id],
  };
  const entries: Record<string, string[]> = {
    bin: [bin],
    source: ['--input-type=module', '-e', sourceEntry, 'chatlake'],
  };
  const samples = new Map<string, number[]>();
  const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
  // One warm-up round (file system cache, tsx's transform cache), then interleaved rounds.
  for (let round = -1; round < runs; round++) {
    const baseline = time(['-e', '0']);
    if (round >= 0) add('node -e 0', baseline);
    for (const [entry, prefix] of Object.entries(entries))
      for (const [name, argv] of Object.entries(commands)) {
        const ms = time([...prefix, ...argv]);
        if (round >= 0) add(`${entry} ${name}`, ms);
      }
  }
  const base = median(samples.get('node -e 0')!);
  const rows = [...samples].map(([name, xs]) => ({
    name,
    medianMs: Math.round(median(xs)),
    ratio: +(median(xs) / base).toFixed(1),
  }));
  const result = { node: process.version, runs, bin: binMode(), rows };
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`node ${process.version}, ${runs} runs each, bin/chatlake.js runs: ${result.bin}`);
    for (const r of rows)
      console.log(`${r.name.padEnd(16)} ${String(r.medianMs).padStart(6)} ms  ×${r.ratio}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
