import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWechatLog } from '../../bench/data/wechat-log.js';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { readParquetRows } from '../support/read-parquet.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// A lost Parquet file: validate names it and the fix, --repair (after a --dry-run that changes nothing)
// unregisters it, and ingesting the same log again restores exactly its rows.
describe('validate --repair of a missing file', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const logA = join(dir.path, 'a.log');
  const logB = join(dir.path, 'b.log');
  afterAll(() => dir.remove());

  const snapshot = async () => {
    const lake = await openLake({ dataDir });
    try {
      return {
        files: (await lake.catalog.dataFiles()).map((f) => f.path),
        keys: await lake.catalog.keyCount('messages'),
        partitions: await lake.catalog.partitions('messages'),
        conversations: await lake.catalog.conversations(),
        ids: await storedIds(lake),
        checkpointA: await lake.catalog.checkpoint((await lake.catalog.source(logA, 'file', 'wechat')).id),
      };
    } finally {
      await lake.close();
    }
  };
  // The ids of the rows in the registered files that are still there.
  const storedIds = async (lake: Lake) => {
    const ids: string[] = [];
    for (const f of await lake.catalog.dataFiles({ dataset: 'messages' })) {
      const path = join(lake.config.lakeDir, f.path);
      if (existsSync(path)) for (const r of await readParquetRows(path)) ids.push(String(r.message_id));
    }
    return ids.sort();
  };
  let original: Awaited<ReturnType<typeof snapshot>>;
  let damaged: Awaited<ReturnType<typeof snapshot>>;
  let lost: { path: string; rows: number };

  beforeAll(async () => {
    // Two logs covering the same days (even and odd lines of one log): each day has a file of each, so the
    // lost file's identities must be told apart from those of the other file of its day.
    const all = join(dir.path, 'all.log');
    await generateWechatLog({ messages: 600, days: 3, seed: 11 }, all);
    const lines = readFileSync(all, 'utf8').split('\n').filter(Boolean);
    writeFileSync(logA, `${lines.filter((_, i) => i % 2 === 0).join('\n')}\n`);
    writeFileSync(logB, `${lines.filter((_, i) => i % 2 === 1).join('\n')}\n`);
    const lake: Lake = await openLake({ dataDir });
    try {
      await ingest(lake, [logA]);
      await ingest(lake, [logB]);
      const files = await lake.catalog.dataFiles({ dataset: 'messages' });
      const lineageA = (await lake.catalog.source(logA, 'file', 'wechat')).id;
      let pick = files[0]!;
      for (const f of files) {
        const fromA = (await lake.catalog.lineage(f.id)).some((l) => l.sourceId === lineageA);
        const sameDay = files.filter((g) => g.partition === f.partition).length;
        if (fromA && sameDay > 1) pick = f;
      }
      expect(files.filter((g) => g.partition === pick.partition).length).toBeGreaterThan(1);
      lost = { path: pick.path, rows: pick.rows };
    } finally {
      await lake.close();
    }
    original = await snapshot();
    rmSync(join(dataDir, 'lake', lost.path));
    damaged = await snapshot();
  });

  it('names the missing file and the fix, and exits 1', async () => {
    const r = await runCli(['validate', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('file_missing');
    expect(r.stdout).toContain(lost.path);
    expect(r.stdout).toContain('validate --repair');
    expect(r.stdout).toContain(`chatlake ingest ${logA}`);
  });

  it('refuses --dry-run without --repair (exit 2, naming the flag)', async () => {
    const r = await runCli(['validate', '--dry-run', '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dry-run');
  });

  it('--repair --dry-run shows the plan and changes nothing', async () => {
    const r = await runCli(['validate', '--repair', '--dry-run', '--json', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.missing.files.map((f: { path: string }) => f.path)).toEqual([lost.path]);
    expect(report.missing.keysReleased).toBeGreaterThan(0);
    expect(report.missing.keysReleased).toBeLessThanOrEqual(lost.rows);
    expect(report.missing.checkpointsReset).toEqual([logA]);
    const text = await runCli(['validate', '--repair', '--dry-run', '--data-dir', dataDir]);
    expect(text.stdout).toContain('dry run: would unregister 1 missing file(s)');
    expect(await snapshot()).toEqual(damaged);
  });

  it('--repair unregisters it; ingesting the log again restores exactly the lost rows', async () => {
    const r = await runCli(['validate', '--repair', '--data-dir', dataDir]);
    expect(r.stdout).toContain('unregistered 1 missing file(s)');
    expect(r.stdout).toContain(`now restore the rows: chatlake ingest ${logA}`);
    expect(r.code).toBe(0);
    const repaired = await snapshot();
    expect(repaired.files).not.toContain(lost.path);
    expect(repaired.checkpointA).toBeNull();
    const missingIds = original.ids.length - repaired.ids.length;
    expect(missingIds).toBeGreaterThan(0);
    expect(repaired.keys).toBe(original.keys - missingIds);

    const again = await runCli(['ingest', '--json', '--data-dir', dataDir, logA]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).messages).toBe(missingIds);

    const after = await snapshot();
    expect(after.ids).toEqual(original.ids); // every row back, none twice
    expect(after.keys).toBe(original.keys);
    expect(after.conversations).toEqual(original.conversations);
    expect(after.partitions.map((p) => [p.partition, p.rows])).toEqual(
      original.partitions.map((p) => [p.partition, p.rows]),
    );
    expect((await runCli(['validate', '--data-dir', dataDir])).code).toBe(0);
    expect((await runCli(['duplicates', '--data-dir', dataDir])).code).toBe(0);
  });
});
