import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import { openService, type Service } from '../../src/app/open-service.js';
import { resolveServiceConfig } from '../../src/config/service-config.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { mergeFiles } from '../../src/jobs/compact-partitions.js';
import { validateLake } from '../../src/jobs/validate-lake.js';
import { MESSAGE_COLUMNS } from '../../src/lake/lake-columns.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { readParquetRows } from '../support/read-parquet.js';
import { toyLine } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

// Each hot-tier compaction adds a file to every partition it writes: a quiet service would gather one per
// minute. The compactor merges a partition's small files once it has `mergeMinFiles` of them.
const T0 = 1769126400;
const message = (id: string, time: number) => toyLine({ id, at: time * 1000, text: `m${id}` });
const platforms = [toyModule];

describe('small files merged in the background', () => {
  const dir = tempDir();
  let service: Service;
  const post = async (id: number) => {
    const r = await service.app.inject({
      method: 'POST',
      url: `/webhook/${toyModule.name}`,
      headers: { 'content-type': 'application/json' },
      payload: message(String(id), T0 + id),
    });
    expect(r.statusCode).toBe(200);
  };
  const files = () => service.context.lake.catalog.dataFiles({ dataset: 'messages' });

  beforeAll(async () => {
    service = await openService(
      { dataDir: dir.path },
      {},
      resolveServiceConfig({ logLevel: 'silent', hotMaxAgeSeconds: 3600, mergeMinFiles: 3 }, {}),
      { platforms },
    );
  });
  afterAll(() => dir.remove());

  it('merges a partition once it has mergeMinFiles small files, keeps every row once, and deletes the old files at stop', async () => {
    // Two compactions: two files in the day's partition, not yet enough to merge.
    for (const round of [0, 1]) {
      for (let i = 0; i < 5; i++) await post(1000 + round * 10 + i);
      await service.compactor.drain();
    }
    const two = await files();
    expect(two).toHaveLength(2);
    // The third makes three: merged into one file holding all 15 rows.
    for (let i = 0; i < 5; i++) await post(1020 + i);
    await service.compactor.drain();
    const merged = await files();
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ rows: 15, partition: two[0]!.partition });
    // Read by an independent reader: exactly the dataset's columns (the year=/month=/day= folders are not
    // columns), every row, sorted like every data file.
    const lakeRows = await readParquetRows(join(service.context.lake.config.lakeDir, merged[0]!.path));
    expect(Object.keys(lakeRows[0]!)).toEqual([...MESSAGE_COLUMNS.map((c) => c.name), 'raw']);
    expect(lakeRows.map((r) => r.message_id)).toEqual(
      [...Array.from({ length: 5 }, (_, i) => [1000 + i, 1010 + i, 1020 + i])].flat().sort().map(String),
    );
    // The merged-away files are no longer registered but stay on disk for reads that listed them a moment ago.
    const lakeDir = service.context.lake.config.lakeDir;
    const old = [...two.map((f) => f.path)];
    for (const path of old) expect(existsSync(join(lakeDir, path))).toBe(true);
    const rows = [];
    for await (const batch of (await service.context.lake.query()).rows({ dataset: 'messages' }))
      rows.push(...batch);
    expect(rows.map((r) => r.message_id).sort()).toEqual(
      [...Array.from({ length: 5 }, (_, i) => [1000 + i, 1010 + i, 1020 + i])].flat().sort().map(String),
    );
    await service.close();
    for (const path of old) expect(existsSync(join(lakeDir, path))).toBe(false);
    const lake = await openLake({ dataDir: dir.path }, { platforms });
    try {
      const report = await validateLake(lake);
      expect(report.problems).toEqual([]);
      expect(report.orphans).toEqual([]);
    } finally {
      await lake.close();
    }
  });

  it('refuses a merge threshold under two files, naming the setting', () => {
    expect(() => resolveServiceConfig({}, { CHATLAKE_MERGE_MIN_FILES: '1' })).toThrow(
      /mergeMinFiles \(from CHATLAKE_MERGE_MIN_FILES\) must be a whole number ≥ 2/,
    );
  });

  it('commits no merge when a file it replaces was replaced by another writer meanwhile', async () => {
    const other = tempDir();
    const lake = await openLake({ dataDir: other.path }, { platforms });
    try {
      // Two ingests of the same day: two files in its partition.
      for (const batch of [0, 1]) {
        const log = join(other.path, `w${batch}.log`);
        const ids = Array.from({ length: 5 }, (_, i) => 2000 + batch * 10 + i);
        writeFileSync(log, ids.map((id) => `${message(String(id), T0 + id)}\n`).join(''));
        await ingest(lake, [log]);
      }
      const files = await lake.catalog.dataFiles({ dataset: 'messages' });
      const partition = files[0]!.partition;
      const same = files.filter((f) => f.partition === partition);
      expect(same.length).toBeGreaterThanOrEqual(2);
      // Another writer (one that lost its guard without noticing) already removed one of them.
      await lake.catalog.write((tx) => tx.removeDataFiles([same[0]!.id]));
      const deps = { catalog: lake.catalog, writer: await lake.writer() };
      await expect(mergeFiles(deps, same, null)).rejects.toThrow(/replaced by another writer/);
      const after = await lake.catalog.dataFiles({ dataset: 'messages' });
      expect(after.map((f) => f.path).sort()).toEqual(
        files
          .slice(1)
          .map((f) => f.path)
          .sort(),
      );
      // The merged file it wrote was removed again: nothing unregistered is left but the file removed above.
      const report = await validateLake(lake);
      expect(report.orphans).toEqual([same[0]!.path]);
    } finally {
      await lake.close();
      other.remove();
    }
  });
});
