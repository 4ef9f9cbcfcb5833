import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import { ApiTokens } from '../../src/service/api-tokens.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('chatlake audit list (the real binary)', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  afterAll(() => dir.remove());

  it('lists entries oldest first, pages with --after or --cursor, filters by action/actor/target, --json', async () => {
    // The entries are made in-process (a CLI start is slow on a busy machine); the listing is the real binary's.
    const lake = await openLake({ dataDir });
    try {
      const tokens = new ApiTokens(lake.catalog);
      for (const name of ['one', 'two', 'three']) await tokens.create(name, 'read', 'cli');
      expect(await tokens.revoke(2, 'cli')).toBe(true);
    } finally {
      await lake.close();
    }

    const all = await runCli(['audit', 'list', '--json', '--data-dir', dataDir]);
    expect(all.code, all.stderr).toBe(0);
    const page = JSON.parse(all.stdout);
    expect(page.entries.map((e: { action: string; target: string }) => `${e.action} ${e.target}`)).toEqual([
      'token.create token:1',
      'token.create token:2',
      'token.create token:3',
      'token.revoke token:2',
    ]);
    expect(page.entries[0]).toMatchObject({ id: 1, actor: 'cli', detail: expect.anything() });
    expect(page).toMatchObject({ nextCursor: null, nextAfter: null });

    const first = JSON.parse(
      (await runCli(['audit', 'list', '--limit', '2', '--json', '--data-dir', dataDir])).stdout,
    );
    expect(first.entries.map((e: { id: number }) => e.id)).toEqual([1, 2]);
    expect(first.nextAfter).toBe(2);
    const byAfter = JSON.parse(
      (await runCli(['audit', 'list', '--after', '2', '--json', '--data-dir', dataDir])).stdout,
    );
    expect(byAfter.entries.map((e: { id: number }) => e.id)).toEqual([3, 4]);
    const byCursor = JSON.parse(
      (await runCli(['audit', 'list', '--cursor', first.nextCursor, '--json', '--data-dir', dataDir])).stdout,
    );
    expect(byCursor.entries.map((e: { id: number }) => e.id)).toEqual([3, 4]);

    const filtered = await runCli([
      'audit',
      'list',
      ...['--action', 'token.revoke', '--actor', 'cli', '--target', 'token:2', '--limit', '1'],
      '--data-dir',
      dataDir,
    ]);
    expect(filtered.code, filtered.stderr).toBe(0);
    const lines = filtered.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+at\s+actor\s+action\s+target\s+detail$/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(/^\s*4\s+\S+Z\s+cli\s+token\.revoke\s+token:2/);
    expect(filtered.stderr).not.toContain('next page');
    const more = await runCli(['audit', 'list', '--limit', '3', '--data-dir', dataDir]);
    expect(more.stderr).toContain('next page: --after 3');
    const bad = await runCli(['audit', 'list', '--limit', 'lots', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--limit <n>' argument 'lots' is invalid");
    expect(bad.stderr).toContain('a whole number from 1 to 1000');
  }, 600_000); // a time limit for slow CLI starts on a busy machine, not an assertion
});
