import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import { resolveConfig } from '../../src/config/resolved-config.js';
import { HotTier } from '../../src/ingest/hot-tier.js';
import { SchemaTracker } from '../../src/ingest/schema-tracker.js';
import { HotRowsThread } from '../../src/jobs/hot-rows-thread.js';
import { readParquetRows } from '../support/read-parquet.js';
import { messageRecord } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

// The service moves hot rows into Parquet on a worker thread (its own catalog connection and DuckDB), so
// that reading and parsing them does not hold the event loop. The thread only writes; registering is the
// compaction's transaction on the main connection.
describe('HotRowsThread', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('writes the oldest hot rows, up to maxRows, as files nobody has registered yet', async () => {
    const lake = await openLake({ dataDir: dir.path });
    const thread = new HotRowsThread(lake.config);
    try {
      const hot = new HotTier(lake.catalog, lake.localDay, await SchemaTracker.load(lake.catalog));
      for (let i = 0; i < 5; i++) {
        const record = messageRecord({
          messageId: String(500 + i),
          sentAt: (1769126400 + i) * 1000,
          text: `m${i}`,
        });
        await hot.accept({ records: [record], fields: new Set() });
      }
      const hotIds = (await lake.catalog.hotRecords({ order: 'id' })).map((r) => r.id);

      const written = await thread.write(3);
      expect(written.ids).toEqual(hotIds.slice(0, 3));
      expect(written.files).toHaveLength(1);
      const file = join(lake.config.lakeDir, written.files[0]!.path);
      expect((await readParquetRows(file)).map((r) => r.message_id)).toEqual(['500', '501', '502']);
      // Written, not registered, and the rows are still hot: the caller's transaction decides.
      expect(await lake.catalog.dataFiles({ dataset: 'messages' })).toEqual([]);
      expect((await lake.catalog.hotSummary()).rows).toBe(5);

      // The same worker answers the next request.
      const all = await thread.write(100);
      expect(all.ids).toEqual(hotIds);
      await (await lake.writer()).discard([...written.files, ...all.files]);
      expect(existsSync(file)).toBe(false);
    } finally {
      await thread.close();
      await lake.close();
    }
  });

  it('rejects a request with the reason when the worker cannot start, and does not hang', async () => {
    const config = resolveConfig({ dataDir: dir.path, databaseUrl: 'postgres://chatlake@127.0.0.1:1/none' });
    const thread = new HotRowsThread(config);
    await expect(thread.write(10)).rejects.toThrow(/hot-tier compaction worker failed: .*127\.0\.0\.1:1/);
    // Started again for the next request (and fails again the same way).
    await expect(thread.write(10)).rejects.toThrow(/hot-tier compaction worker/);
    await thread.close();
  });
});
