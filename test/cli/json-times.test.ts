import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every "…At" field of a JSON document, and any number that looks like epoch ms (after 2001). */
function times(value: unknown, path = '$'): { at: [string, unknown][]; epochs: string[] } {
  const out = { at: [] as [string, unknown][], epochs: [] as string[] };
  const walk = (v: unknown, p: string, key: string) => {
    if (key.endsWith('At')) out.at.push([p, v]);
    if (typeof v === 'number' && v > 1e12) out.epochs.push(p);
    if (v && typeof v === 'object')
      for (const [k, c] of Object.entries(v)) walk(c, Array.isArray(v) ? `${p}[${k}]` : `${p}.${k}`, k);
  };
  walk(value, path, '');
  return out;
}

/** Issue 12 item 13 (CLI): times are ISO strings in every --json output, as in the API. */
describe('--json times (the real binary)', () => {
  const dir = tempDir('chatlake-json-times-');
  afterAll(() => dir.remove());

  it('stats, quarantine list/show and token list print ISO times, no epoch numbers', async () => {
    const dataDir = join(dir.path, 'data');
    const log = join(dir.path, 'in.jsonl');
    const line = JSON.stringify(wechatEnvelope({ msgId: '3000000001', time: 1_769_000_000, content: 'hi' }));
    writeFileSync(log, `${line}\nnot json\n`);
    const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);
    expect((await cli('ingest', log, '--json')).code).toBe(0);
    expect((await cli('token', 'create', '--json')).code).toBe(0);
    const outputs = await Promise.all([
      cli('stats', '--json'),
      cli('quarantine', 'list', '--json'),
      cli('quarantine', 'show', '1', '--json'),
      cli('token', 'list', '--json'),
    ]);
    const seen = new Set<string>();
    for (const r of outputs) {
      expect(r.code, r.stderr).toBe(0);
      const t = times(JSON.parse(r.stdout));
      expect(t.epochs).toEqual([]);
      for (const [path, v] of t.at) {
        seen.add(
          path
            .replace(/\[\d+\]/g, '[]')
            .split('.')
            .at(-1)!,
        );
        if (v !== null) expect(v, path).toMatch(ISO);
      }
    }
    // The fields this covers: task times (stats' ingest history), quarantine entries, tokens.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['createdAt', 'endedAt', 'startedAt']));
  });
});
