import { afterAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import { HotTier } from '../../src/ingest/hot-tier.js';
import { SchemaTracker } from '../../src/ingest/schema-tracker.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

// Group commits overlap: the next batch's transaction starts once the previous one committed, while its fsync
// still runs. What the next batch decides from the previous one (schema versions) must already be known then.
describe('HotTier group commits', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('keeps schema versions the union of every field seen when batches follow one another', async () => {
    const lake = await openLake({ dataDir: dir.path });
    try {
      const hot = new HotTier(lake.catalog, lake.localDay, await SchemaTracker.load(lake.catalog));
      const adapter = lake.adapter('wechat');
      const item = (id: number, extra: string) => {
        const payload = {
          ...wechatEnvelope({ msgId: String(id), time: 1769126400 + id, content: `m${id}` }),
        };
        const decoded = adapter.decode(payload, {
          rawText: JSON.stringify(payload),
          receivedAt: 0,
          fallbackTime: 0,
        });
        if (!decoded.ok) throw new Error(decoded.reason);
        return { records: decoded.records, fields: new Set(['data', extra]) };
      };
      // Each in its own batch (one turn of the event loop apart), each bringing a field not seen before.
      const accepted = [];
      for (let i = 0; i < 6; i++) {
        accepted.push(hot.accept(item(100 + i, `extra_${i}`)));
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(accepted);
      expect(hot.counters.commits).toBeGreaterThan(1);
      const versions = await lake.catalog.schemaVersions('messages');
      const newest = JSON.parse(versions.at(-1)!.fieldSet) as string[];
      expect(newest).toEqual(
        expect.arrayContaining(['data', ...Array.from({ length: 6 }, (_, i) => `extra_${i}`)]),
      );
      // Every version holds the one before it (fields are only ever added).
      for (let v = 1; v < versions.length; v++) {
        const before = JSON.parse(versions[v - 1]!.fieldSet) as string[];
        expect(JSON.parse(versions[v]!.fieldSet)).toEqual(expect.arrayContaining(before));
      }
    } finally {
      await lake.close();
    }
  });
});
