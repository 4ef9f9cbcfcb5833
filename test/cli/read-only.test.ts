import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** Issue 12 item 9: commands that only read change nothing, and say so when there is no lake to read. */
describe('read-only commands (the real binary)', () => {
  const dir = tempDir('chatlake-read-only-');
  afterAll(() => dir.remove());

  it('query, stats, sql and get on a directory with no lake exit 3 saying so, and create nothing', async () => {
    const typo = join(dir.path, 'dta');
    const runs = await Promise.all([
      runCli(['--data-dir', typo, 'query']),
      runCli(['--data-dir', typo, 'stats', '--json']),
      runCli(['--data-dir', typo, 'sql', 'SELECT count(*) FROM messages']),
      runCli(['--data-dir', typo, 'get', '1000000001']),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`no lake in ${typo}`);
      expect(r.stderr).toContain('--data-dir');
      expect(r.stdout).toBe('');
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('settings given to a read apply to that run only; writers save them', async () => {
    const dataDir = join(dir.path, 'lake');
    expect((await runCli(['--data-dir', dataDir, 'migrate'])).code).toBe(0);
    const read = await runCli([
      '--data-dir',
      dataDir,
      '--wechat-self',
      'wxid_me',
      '--tz',
      'Asia/Shanghai',
      'stats',
      '--json',
    ]);
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout).settings).toEqual({ timeZone: 'Asia/Shanghai', wechatSelf: ['wxid_me'] });
    const query = await runCli(['--data-dir', dataDir, '--tz', 'Asia/Tokyo', 'query']);
    expect(query.code, query.stderr).toBe(0);
    const after = await runCli(['--data-dir', dataDir, 'stats', '--json']);
    expect(JSON.parse(after.stdout).settings).toEqual({ timeZone: 'UTC', wechatSelf: [] });
    const write = await runCli(['--data-dir', dataDir, '--wechat-self', 'wxid_me', 'ingest', '-'], '');
    expect(write.code, write.stderr).toBe(0);
    const saved = await runCli(['--data-dir', dataDir, 'stats', '--json']);
    expect(JSON.parse(saved.stdout).settings).toEqual({ timeZone: 'UTC', wechatSelf: ['wxid_me'] });
  });
});
