import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import { HotTier } from '../../src/ingest/hot-tier.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { SchemaTracker } from '../../src/ingest/schema-tracker.js';
import { validateLake } from '../../src/jobs/validate-lake.js';
import { lakeStats } from '../../src/stats/lake-stats.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { messageRecord, writeToyLog } from '../support/records.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('validate and duplicates', () => {
  let dir: ReturnType<typeof tempDir>;
  let lake: Lake;
  beforeEach(async () => {
    dir = tempDir();
    const log = join(dir.path, 'toy.log');
    writeToyLog(log, { messages: 800, days: 3, rooms: 5, senders: 20, seed: 5 });
    lake = await openLake({ dataDir: join(dir.path, 'data') }, { platforms: [toyModule] });
    await ingest(lake, [log]);
  });
  afterEach(async () => {
    await lake.close();
    dir.remove();
  });
  const checks = (r: { problems: { check: string }[] }) =>
    [...new Set(r.problems.map((p) => p.check))].sort();

  it('passes on a freshly ingested lake', async () => {
    const r = await validateLake(lake);
    expect(r.problems).toEqual([]);
    expect(r.rows).toBe(800);
  });

  it('finds a duplicated identity (a file registered twice under two names)', async () => {
    const [f] = await lake.catalog.dataFiles({ dataset: 'messages' });
    const copy = f!.path.replace(/part-/, 'part-copy-');
    copyFileSync(join(lake.config.lakeDir, f!.path), join(lake.config.lakeDir, copy));
    await lake.catalog.write((tx) => tx.addDataFiles([{ ...f!, path: copy }], null));
    const r = await validateLake(lake);
    expect(r.duplicates.length).toBe(Math.min(f!.rows, 1000));
    expect(checks(r)).toEqual(['duplicate', 'identities']);
    const cli = await runCli(['duplicates', '--data-dir', lake.config.dataDir]);
    expect(cli.code).toBe(1);
  });

  it('finds missing files, unregistered files and wrong row counts; --repair removes the unregistered, unregisters the missing', async () => {
    const files = await lake.catalog.dataFiles({ dataset: 'messages' });
    rmSync(join(lake.config.lakeDir, files[0]!.path));
    writeFileSync(join(lake.config.lakeDir, 'messages', 'stray.parquet'), 'x');
    await lake.catalog.write(async (tx) => {
      const [removed] = await tx.removeDataFiles([files[1]!.id]);
      await tx.addDataFiles([{ ...removed!, rows: removed!.rows + 1 }], null);
    });
    const r = await validateLake(lake);
    expect(checks(r)).toEqual(['file_missing', 'identities', 'row_count', 'unregistered_file']);
    const repaired = await validateLake(lake, { repair: true });
    expect(repaired.repaired).toEqual(['messages/stray.parquet']);
    expect(repaired.missing?.files.map((f) => f.path)).toEqual([files[0]!.path]);
    expect(checks(repaired)).toEqual(['identities', 'row_count']);
    const cli = await runCli(['validate', '--data-dir', lake.config.dataDir, '--json']);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).ok).toBe(false);
  });

  it('finds rows in the wrong partition (a lake partitioned in another zone)', async () => {
    // Opening a lake in another zone is refused; a catalog whose saved zone was changed behind its back is not.
    await lake.catalog.write((tx) => tx.saveSetting('timeZone', 'America/Los_Angeles'));
    await lake.close();
    lake = await openLake({ dataDir: lake.config.dataDir }, { platforms: [toyModule] });
    const r = await validateLake(lake);
    expect(checks(r)).toContain('partition_day');
  });

  it('counts the hot tier: a lake a service holds hot rows of validates clean, stats counts them', async () => {
    const hot = new HotTier(lake.catalog, lake.localDay, await SchemaTracker.load(lake.catalog));
    const before = await lakeStats(lake.catalog);
    const day = 1769126400; // 2026-01-23 in UTC; a day the generated log has no message on is fine too
    for (let i = 0; i < 3; i++) {
      const record = messageRecord({
        messageId: String(9_900_000_000 + i),
        sentAt: (day + i) * 1000,
        text: `hot ${i}`,
      });
      await hot.accept({ records: [record], fields: new Set(['data']) });
    }
    await hot.settle();
    const r = await validateLake(lake);
    expect(r.problems).toEqual([]);
    const cli = await runCli(['validate', '--data-dir', lake.config.dataDir]);
    expect(cli.code).toBe(0);
    const s = await lakeStats(lake.catalog);
    expect(s.datasets.messages.hotRows).toBe(3);
    expect(s.datasets.messages.rows).toBe(before.datasets.messages.rows + 3);
    const dayRow = s.days.find((d) => d.day === lake.localDay.dayOf(day * 1000))!;
    expect(dayRow.hot).toBe(3);
    let queried = 0;
    for await (const batch of (await lake.query()).rows({})) queried += batch.length;
    expect(s.datasets.messages.rows).toBe(queried);
    const json = await runCli(['stats', '--json', '--data-dir', lake.config.dataDir]);
    expect(JSON.parse(json.stdout).datasets.messages.rows).toBe(queried);
  });
});
