import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

/** The bad flag values of issue 12 item 4, through the real binary: each refused with exit 2, naming the flag. */
describe('flag values (the real binary)', () => {
  const dir = tempDir('chatlake-flags-');
  const dataDir = join(dir.path, 'data');
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);

  beforeAll(async () => {
    const log = join(dir.path, 'in.jsonl');
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify(
        wechatEnvelope({ msgId: `200000000${i}`, time: 1_769_000_000 + i * 3600, content: `m${i}` }),
      ),
    );
    writeFileSync(log, `${lines.join('\n')}\n`);
    const r = await cli('ingest', log);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => dir.remove());

  it.each([
    [['--limit', 'abc'], '--limit', 'whole number'],
    [['--limit', '-5'], '--limit', 'whole number'],
    [['--from', '2026-11-23T25:00'], '--from', 'not a time of day'],
    [['--order', 'random'], '--order', 'asc, desc'],
    [['--format', 'xml'], '--format', 'table, json, jsonl, csv, parquet'],
    [['--type', 'picture'], '--type', 'image'],
    [['--columns', 'nope'], '--columns', 'message_id'],
  ])('query %j exits 2 naming the flag and what it takes', async (args, flag, allowed) => {
    const r = await cli('query', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).toContain(allowed);
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('--order DESC is desc (any case), not silently ascending', async () => {
    const r = await cli('query', '--order', 'DESC', '--format', 'jsonl', '--columns', 'message_id');
    expect(r.code, r.stderr).toBe(0);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).message_id);
    expect(ids).toEqual(['2000000002', '2000000001', '2000000000']);
  });
});
