import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// Quarantine is exactly-once (an entry is its bytes), can be closed for good, and pages. Each test runs the
// CLI several times (seconds each on a busy machine): their time limits are generous.
describe('quarantine: identity, dismiss, paging', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  afterAll(() => dir.remove());
  const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
  const bad = '<html>502 Bad Gateway</html>\n';
  type Entry = { id: number; status: string; seen: number; source: string; dismissReason: string | null };
  const list = async (...args: string[]): Promise<Entry[]> => {
    const r = await cli('quarantine', 'list', '--json', ...args);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Entry[];
  };

  it('keeps one entry for the same bad line read twice from stdin and from a renamed copy', async () => {
    const once = await runCli(['ingest', '-', '--data-dir', dataDir], bad);
    expect(once.code).toBe(1); // every line quarantined: probably not a log
    expect(once.stderr).toContain('warning: stdin: every line was quarantined');
    expect((await runCli(['ingest', '-', '--data-dir', dataDir], bad)).code).toBe(1);
    const copy = join(dir.path, 'copy-of-log.log');
    writeFileSync(copy, `${bad}`);
    await cli('ingest', copy);
    const entries = await list();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.seen).toBe(3);
  }, 300_000);

  it('dismisses: --dry-run changes nothing, then the entry is closed with its reason and stays closed', async () => {
    const [entry] = await list();
    const dry = await cli('quarantine', 'dismiss', String(entry!.id), '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would dismiss 1 entry: ${entry!.id}`);
    expect(await list()).toHaveLength(1);
    const done = await cli('quarantine', 'dismiss', String(entry!.id), '--reason', 'upstream error page');
    expect(done.stdout).toContain(`dismissed 1 entry: ${entry!.id}`);
    expect(await list()).toEqual([]);
    // The same bytes again: counted on the dismissed entry, not reopened.
    expect((await runCli(['ingest', '-', '--data-dir', dataDir], bad)).code).toBe(1);
    expect(await list()).toEqual([]);
    const [closed] = await list('--status', 'dismissed');
    expect(closed).toMatchObject({
      id: entry!.id,
      status: 'dismissed',
      seen: 4,
      dismissReason: 'upstream error page',
    });
  }, 300_000);

  it('pages the list and says how many more there are', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `not json ${i}`).join('\n');
    expect((await runCli(['ingest', '-', '--data-dir', dataDir], `${lines}\n`)).code).toBe(1);
    const first = await cli('quarantine', 'list');
    const ids = [...first.stdout.matchAll(/^\s*(\d+)\s+open/gm)].map((m) => Number(m[1]));
    expect(ids).toHaveLength(50);
    expect(first.stdout).toContain(`10 more: chatlake quarantine list --after ${ids.at(-1)}`);
    const next = await cli('quarantine', 'list', '--after', String(ids.at(-1)));
    expect([...next.stdout.matchAll(/^\s*(\d+)\s+open/gm)]).toHaveLength(10);
    expect(next.stdout).not.toContain('more:');
    const dry = await cli('quarantine', 'dismiss', '--all', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout).dismissed).toHaveLength(60);
    expect(await list('--limit', '100')).toHaveLength(60);
  }, 300_000);

  it('refuses bad arguments, naming them', async () => {
    const limit = await cli('quarantine', 'list', '--limit', '0');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit');
    const status = await cli('quarantine', 'list', '--status', 'closed');
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status');
    expect((await cli('quarantine', 'dismiss')).code).toBe(2);
    expect((await cli('quarantine', 'dismiss', '999999')).code).toBe(3);
  }, 300_000);
});
