// Decode throughput of the WeChat adapter per msg_type on an existing log (no I/O in the timed loop):
//   node bin/run-ts.js bench/decode/wechat-decode.ts bench/out/real-23210.log
import { readFileSync } from 'node:fs';
import type { DecodeContext } from '../../src/platforms/platform-adapter.js';
import { wechatAdapter } from '../../src/platforms/wechat/wechat-adapter.js';

const file = process.argv[2];
if (!file) throw new Error('usage: wechat-decode.ts LOG_FILE [seconds-per-group]');
const seconds = Number(process.argv[3] ?? 0.5);

interface Line {
  value: unknown;
  text: string;
}
const groups = new Map<string, Line[]>();
for (const text of readFileSync(file, 'utf8').split('\n')) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    continue;
  }
  const env = (value as { parsed_json?: unknown })?.parsed_json ?? value;
  const data = (env as { data?: { msg_type?: unknown } })?.data;
  const group =
    (env as { notify_type?: unknown })?.notify_type === 1010 ? `msg_type ${data?.msg_type}` : 'other';
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group)!.push({ value, text });
}

const ctx: DecodeContext = { rawText: '', receivedAt: null, fallbackTime: 0 };
function run(lines: Line[]): number {
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const line of lines) {
      ctx.rawText = line.text;
      wechatAdapter.decode(line.value, ctx);
    }
    n += lines.length;
    elapsed = performance.now() - started;
  }
  return n / (elapsed / 1000);
}

const all = [...groups.values()].flat();
run(all);
const rows = [...groups].sort((a, b) => b[1].length - a[1].length);
for (const [group, lines] of rows)
  console.log(
    `${group.padEnd(16)} ${String(lines.length).padStart(7)} lines  ${Math.round(run(lines)).toLocaleString('en').padStart(11)} /s`,
  );
console.log(
  `${'all'.padEnd(16)} ${String(all.length).padStart(7)} lines  ${Math.round(run(all)).toLocaleString('en').padStart(11)} /s`,
);
