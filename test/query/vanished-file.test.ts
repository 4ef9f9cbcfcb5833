import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import type { DataFileRow } from '../../src/catalog/catalog.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { mergeFiles } from '../../src/jobs/compact-partitions.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { toyLine } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

// `chatlake compact` in another process deletes the files it merged away at once. A read that listed them a
// moment before then finds them gone: it lists the files again (the merged file holds the same rows) instead
// of failing. The race is made certain here by handing the read the file list from before the merge.
const T0 = 1769126400;

describe('a read whose files were merged away meanwhile', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('lists the files again and returns every row; gives up with the reason after three stale lists', async () => {
    const lake = await openLake({ dataDir: dir.path }, { platforms: [toyModule] });
    try {
      for (const batch of [0, 1]) {
        const log = join(dir.path, `b${batch}.log`);
        const ids = Array.from({ length: 5 }, (_, i) => 3000 + batch * 10 + i);
        const lines = ids.map((id) => toyLine({ id: String(id), at: (T0 + id) * 1000, text: `m${id}` }));
        writeFileSync(log, `${lines.join('\n')}\n`);
        await ingest(lake, [log]);
      }
      const before = await lake.catalog.dataFiles({ dataset: 'messages' });
      expect(before).toHaveLength(2);
      const writer = await lake.writer();
      const replaced = await mergeFiles({ catalog: lake.catalog, writer }, before, null);
      await writer.discard(replaced.map((path) => ({ path })));

      // The next `stale` listings return the files as they were before the merge.
      let stale = 0;
      const list = lake.catalog.dataFiles.bind(lake.catalog);
      lake.catalog.dataFiles = async (f) => (stale-- > 0 ? (before as DataFileRow[]) : list(f));
      const query = await lake.query();
      const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.message_id).sort();
      const all = [...Array.from({ length: 5 }, (_, i) => [3000 + i, 3010 + i])].flat().sort().map(String);

      stale = 1;
      expect(ids((await query.page({ conversation: 'carol', order: 'desc', limit: 20 })).rows)).toEqual(all);
      stale = 1;
      expect(ids(await query.get(['3001', '3012']))).toEqual(['3001', '3012']);
      stale = 1;
      expect(await query.exportParquet({}, join(dir.path, 'out.parquet'))).toBe(10);
      stale = 3;
      await expect(query.page({ conversation: 'carol', limit: 20 })).rejects.toThrow(/No files found/);
    } finally {
      await lake.close();
    }
  });
});
