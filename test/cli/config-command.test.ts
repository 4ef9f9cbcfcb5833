import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

const root = join(import.meta.dirname, '..', '..');

/** `chatlake … --help` in-process: what it printed and the exit code. */
async function help(words: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write);
  try {
    return { code: await main(['node', 'chatlake', ...words, '--help']), out };
  } finally {
    write.mockRestore();
    process.exitCode = undefined;
  }
}

/** Issue 12 item 15: examples in every --help, --version, `chatlake config`, a sample config file. */
describe('first-run help: --help, --version, config', () => {
  const dir = tempDir('chatlake-config-');
  afterAll(() => dir.remove());

  it.each([
    [[]],
    [['ingest']],
    [['query']],
    [['get']],
    [['sql']],
    [['stats']],
    [['duplicates']],
    [['validate']],
    [['quarantine', 'list']],
    [['quarantine', 'show']],
    [['quarantine', 'retry']],
    [['compact']],
    [['migrate']],
    [['serve']],
    [['token', 'create']],
    [['token', 'list']],
    [['token', 'revoke']],
    [['audit', 'verify']],
    [['config']],
  ])('chatlake %j --help shows examples of that command', async (words) => {
    const r = await help(words);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nExamples:\n/);
    const examples = r.out.split(/\nExamples:\n/)[1]!;
    expect(examples).toContain(`chatlake ${words.join(' ')}`.trim());
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(r.stdout.trim()).toBe(version);
  });

  it('config prints each effective setting and where it came from (default, file, env, flag, lake)', async () => {
    const dataDir = join(dir.path, 'data');
    const log = join(dir.path, 'in.jsonl');
    writeFileSync(
      log,
      `${JSON.stringify(wechatEnvelope({ msgId: '41', time: 1_769_000_000, content: 'x' }))}\n`,
    );
    expect((await runCli(['--data-dir', dataDir, '--tz', 'Asia/Shanghai', 'ingest', log])).code).toBe(0);
    const file = join(dir.path, 'settings.json');
    writeFileSync(file, JSON.stringify({ hotMaxRows: 500, port: 7000, webhookSecret: 'a-long-secret' }));
    const r = await runCli(['--data-dir', dataDir, 'config', '--config', file, '--json'], undefined, {
      CHATLAKE_PORT: '9000',
      CHATLAKE_DUCKDB_MEMORY: '1GB',
    });
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.dataDir).toEqual({ value: dataDir, from: 'flag --data-dir' });
    expect(c.timeZone).toEqual({ value: 'Asia/Shanghai', from: 'lake' });
    expect(c.duckdbMemory).toEqual({ value: '1GB', from: 'env CHATLAKE_DUCKDB_MEMORY' });
    expect(c.hotMaxRows).toEqual({ value: 500, from: `file ${file}` });
    expect(c.port).toEqual({ value: 9000, from: 'env CHATLAKE_PORT' });
    expect(c.logLevel).toEqual({ value: 'info', from: 'default' });
    expect(c.webhookSecret).toEqual({ value: '***', from: `file ${file}` });
    expect(r.stdout).not.toContain('a-long-secret');
  });

  it('the sample config file is one the service accepts, with every setting', async () => {
    const sample = join(root, 'chatlake.example.json');
    const r = await runCli(['--data-dir', join(dir.path, 'none'), 'config', '--config', sample, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    const fromFile = Object.keys(JSON.parse(readFileSync(sample, 'utf8')));
    for (const key of fromFile) expect(c[key].from).toBe(`file ${sample}`);
    expect(fromFile).toContain('port');
  });
});
