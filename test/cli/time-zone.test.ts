import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

// Partitions are local days. A lake written in one zone and read in another would prune away files that hold
// matching rows, so the lake keeps the zone it got its first data in, and uses it when none is asked for.
describe('the lake remembers its time zone', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  const at = (iso: string) => Date.parse(iso) / 1000;
  // 2026-01-09 17:30 UTC is 2026-01-10 01:30 in Shanghai; 10:00 UTC is still the 9th there.
  const lateUtc = wechatEnvelope({ msgId: '901', time: at('2026-01-09T17:30:00Z'), content: 'late' });
  const earlyUtc = wechatEnvelope({ msgId: '902', time: at('2026-01-09T10:00:00Z'), content: 'early' });

  it('reads and writes in the saved zone when none is given, and refuses another one while it holds data', async () => {
    const dataDir = join(dir.path, 'shanghai');
    const log = join(dir.path, 'a.log');
    writeFileSync(log, `${JSON.stringify(lateUtc)}\n${JSON.stringify(earlyUtc)}\n`);
    const ingest = await runCli(['ingest', log, '--tz', 'Asia/Shanghai', '--data-dir', dataDir, '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);

    // No --tz: the day 2026-01-10 is Shanghai's, which holds only the 17:30 UTC message.
    const day = await runCli([
      'query',
      '--from',
      '2026-01-10',
      '--to',
      '2026-01-10',
      '--format',
      'jsonl',
      '--data-dir',
      dataDir,
    ]);
    expect(day.code, day.stderr).toBe(0);
    expect(
      day.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message_id),
    ).toEqual(['901']);
    const lake = await openLake({ dataDir });
    try {
      expect(lake.config.timeZone).toBe('Asia/Shanghai');
      expect((await lake.catalog.partitions('messages')).map((p) => p.partition).sort()).toEqual([
        '2026-01-09',
        '2026-01-10',
      ]);
    } finally {
      await lake.close();
    }

    const other = await runCli(['stats', '--tz', 'UTC', '--data-dir', dataDir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/this lake cuts its days in Asia\/Shanghai .*--tz asks for UTC/);
    expect(other.stderr).toMatch(/hint: leave --tz out/);
    const env = await runCli(['stats', '--data-dir', dataDir], undefined, { CHATLAKE_TZ: 'Europe/Berlin' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/CHATLAKE_TZ asks for Europe\/Berlin/);
  });

  it('lets an empty lake take the zone it is first given data in', async () => {
    const dataDir = join(dir.path, 'fresh');
    // A first look at an empty lake (default zone, UTC) decides nothing for good.
    expect((await runCli(['migrate', '--data-dir', dataDir])).code).toBe(0);
    expect((await runCli(['stats', '--data-dir', dataDir])).code).toBe(0);
    const log = join(dir.path, 'b.log');
    writeFileSync(log, `${JSON.stringify(lateUtc)}\n`);
    const ingest = await runCli(['ingest', log, '--tz', 'Asia/Shanghai', '--data-dir', dataDir, '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const lake = await openLake({ dataDir });
    try {
      expect(lake.config.timeZone).toBe('Asia/Shanghai');
      expect((await lake.catalog.partitions('messages')).map((p) => p.partition)).toEqual(['2026-01-10']);
    } finally {
      await lake.close();
    }
  });

  it('takes a zone for a lake from before zones were saved only when its files fit that zone', async () => {
    const dataDir = join(dir.path, 'older');
    const log = join(dir.path, 'c.log');
    writeFileSync(log, `${JSON.stringify(lateUtc)}\n${JSON.stringify(earlyUtc)}\n`);
    expect((await runCli(['ingest', log, '--tz', 'Asia/Shanghai', '--data-dir', dataDir])).code).toBe(0);
    // As a catalog written before the zone was saved.
    const db = new Database(join(dataDir, 'catalog.sqlite'));
    db.prepare('DELETE FROM lake_settings').run();
    db.close();
    // UTC (the default) does not fit: the 17:30 UTC message lies in the Shanghai day 2026-01-10.
    await expect(openLake({ dataDir })).rejects.toThrow(
      /this lake's days are not UTC days: .*, of the day 2026-01-10, holds times of 2026-01-09 to 2026-01-09 in UTC/,
    );
    const lake = await openLake({ dataDir, tz: 'Asia/Shanghai' });
    await lake.close();
    const again = await openLake({ dataDir });
    try {
      expect(again.config.timeZone).toBe('Asia/Shanghai');
    } finally {
      await again.close();
    }
  });
});
