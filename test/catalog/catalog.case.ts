import { describe, expect, it } from 'vitest';
import type { Catalog, NewDataFile } from '../../src/catalog/catalog.js';
import { decodeFileCursor, encodeFileCursor } from '../../src/platforms/file-cursor.js';

/** Behaviours every catalog backend must have. A backend's test file calls this with a factory. */
export function catalogConformance(
  name: string,
  open: () => Promise<{ catalog: Catalog; dispose(): Promise<void> }>,
) {
  const withCatalog = (fn: (c: Catalog) => Promise<void>) => async () => {
    const { catalog, dispose } = await open();
    try {
      await fn(catalog);
    } finally {
      await dispose();
    }
  };
  const file = (
    partition: string,
    n: number,
    path = `messages/p-${partition}-${n}.parquet`,
  ): NewDataFile => ({
    dataset: 'messages',
    partition,
    path,
    rows: n,
    bytes: n * 10,
    minTime: 1000 + n,
    maxTime: 2000 + n,
    schemaVersion: 1,
  });

  describe(`catalog conformance: ${name}`, () => {
    it(
      'keeps lake settings: none until saved, then the last value saved',
      withCatalog(async (c) => {
        expect(await c.setting('timeZone')).toBeNull();
        await c.write((tx) => tx.saveSetting('timeZone', 'Asia/Shanghai'));
        expect(await c.setting('timeZone')).toBe('Asia/Shanghai');
        await c.write((tx) => tx.saveSetting('timeZone', 'UTC'));
        expect(await c.setting('timeZone')).toBe('UTC');
        // Saved in a transaction that rolls back: not saved.
        await expect(
          c.write(async (tx) => {
            await tx.saveSetting('timeZone', 'Europe/Berlin');
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect(await c.setting('timeZone')).toBe('UTC');
      }),
    );

    it(
      'claims each key once: a second claim of the same key reports it as stored',
      withCatalog(async (c) => {
        const first = await c.write((tx) =>
          tx.claimKeys('messages', 'wechat', [
            { key: 'a', partition: '2026-01-01' },
            { key: 'b', partition: '2026-01-01' },
          ]),
        );
        const second = await c.write((tx) =>
          tx.claimKeys('messages', 'wechat', [
            { key: 'b', partition: '2026-01-01' },
            { key: 'c', partition: '2026-01-02' },
          ]),
        );
        expect([...first].sort()).toEqual(['a', 'b']);
        expect([...second]).toEqual(['c']);
        const other = await c.write((tx) =>
          tx.claimKeys('messages', 'whatsapp', [{ key: 'a', partition: '2026-01-01' }]),
        );
        expect([...other]).toEqual(['a']);
        expect(await c.keyPartitions('messages', 'wechat', ['a', 'c', 'zz'])).toEqual(
          new Map([
            ['a', '2026-01-01'],
            ['c', '2026-01-02'],
          ]),
        );
      }),
    );

    it(
      "claims thousands of keys in one call (beyond one statement's parameter limit)",
      withCatalog(async (c) => {
        const keys = Array.from({ length: 20_000 }, (_, i) => ({
          key: String(10n ** 18n + BigInt(i)),
          partition: '2026-01-01',
        }));
        const fresh = await c.write((tx) => tx.claimKeys('messages', 'wechat', keys));
        expect(fresh.size).toBe(20_000);
        const again = await c.write((tx) => tx.claimKeys('messages', 'wechat', keys.slice(19_990)));
        expect(again.size).toBe(0);
      }),
    );

    it(
      'claims each key exactly once when two writes claim overlapping keys at the same time',
      withCatalog(async (c) => {
        const claims = (from: number, to: number) =>
          Array.from({ length: to - from }, (_, i) => ({
            key: `k${String(from + i).padStart(6, '0')}`,
            partition: '2026-01-01',
          }));
        const conversation = {
          platform: 'wechat',
          conversationId: 'r@chatroom',
          isGroup: true,
          firstAt: 1,
          lastAt: 2,
        };
        const commit = (from: number, to: number, path: string) =>
          c.write(async (tx) => {
            const fresh = await tx.claimKeys('messages', 'wechat', claims(from, to));
            await tx.addDataFiles([file('2026-01-01', fresh.size, path)], null);
            await tx.touchConversations([{ ...conversation, messageCount: fresh.size }]);
            return fresh;
          });
        const [a, b] = await Promise.all([
          commit(0, 15_000, 'a.parquet'),
          commit(5_000, 20_000, 'b.parquet'),
        ]);
        expect(a.size + b.size).toBe(20_000);
        expect(new Set([...a, ...b]).size).toBe(20_000);
        expect(await c.keyCount('messages')).toBe(20_000);
        const [part] = await c.partitions('messages');
        expect([part?.rows, part?.files]).toEqual([20_000, 2]);
        expect((await c.conversations())[0]?.messageCount).toBe(20_000);
      }),
    );

    it(
      'lets concurrent writes update the same conversations, contacts and partitions, listed in any order',
      withCatalog(async (c) => {
        const writers = 6;
        const rooms = Array.from({ length: 300 }, (_, i) => `room${i}@chatroom`);
        const days = Array.from({ length: 20 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
        const people = Array.from({ length: 50 }, (_, i) => `wxid_${i}`);
        await Promise.all(
          Array.from({ length: writers }, (_, w) =>
            c.write(async (tx) => {
              await tx.addDataFiles(
                shuffled(days, w).map((d) => file(d, 1, `messages/${d}-${w}.parquet`)),
                null,
              );
              await tx.touchConversations(
                shuffled(rooms, w).map((conversationId) => ({
                  platform: 'wechat',
                  conversationId,
                  isGroup: true,
                  firstAt: w,
                  lastAt: w,
                  messageCount: 1,
                })),
              );
              await tx.upsertContacts(
                shuffled(people, w).map((contactId) => ({
                  platform: 'wechat',
                  contactId,
                  accountId: null,
                  contactType: 'user',
                  alias: null,
                  nickname: `n${w}`,
                  remark: null,
                  memberCount: null,
                  deleted: false,
                  observedAt: w,
                })),
              );
            }),
          ),
        );
        const conversations = await c.conversations();
        expect(conversations.length).toBe(rooms.length);
        for (const conv of conversations)
          expect([conv.messageCount, conv.firstAt, conv.lastAt]).toEqual([writers, 0, writers - 1]);
        const partitions = await c.partitions('messages');
        expect(partitions.map((p) => [p.partition, p.rows, p.files])).toEqual(
          days.map((d) => [d, writers, writers]),
        );
        const contacts = await c.contacts();
        expect(contacts.map((x) => x.nickname)).toEqual(people.map(() => `n${writers - 1}`));
      }),
    );

    it(
      'numbers new field sets distinctly when two writes record them at the same time',
      withCatalog(async (c) => {
        const arrived = meeting(2);
        const record = (fieldSet: string) =>
          c.write(async (tx) => {
            await tx.claimKeys('messages', 'wechat', [{ key: fieldSet, partition: '2026-01-01' }]);
            await arrived(); // both transactions are open (where the backend lets two be) before either numbers
            return tx.schemaVersion('messages', fieldSet, '[]');
          });
        const [x, y] = await Promise.all([record('["a"]'), record('["b"]')]);
        expect([x, y].sort()).toEqual([1, 2]);
        const versions = await c.schemaVersions('messages');
        expect(versions.map((v) => [v.fieldSet, v.version])).toEqual(
          expect.arrayContaining([
            ['["a"]', x],
            ['["b"]', y],
          ]),
        );
        expect(versions.length).toBe(2);
      }),
    );

    it(
      'rolls back everything a failed transaction wrote',
      withCatalog(async (c) => {
        await expect(
          c.write(async (tx) => {
            await tx.claimKeys('messages', 'wechat', [{ key: 'x', partition: '2026-01-01' }]);
            await tx.addDataFiles([file('2026-01-01', 5)], null);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await c.dataFiles()).toEqual([]);
        expect(await c.partitions()).toEqual([]);
        const fresh = await c.write((tx) =>
          tx.claimKeys('messages', 'wechat', [{ key: 'x', partition: '2026-01-01' }]),
        );
        expect([...fresh]).toEqual(['x']);
      }),
    );

    it(
      'keeps partition totals equal to the sum of their files through add and remove',
      withCatalog(async (c) => {
        const ids = await c.write((tx) =>
          tx.addDataFiles([file('2026-01-01', 5), file('2026-01-01', 7), file('2026-01-02', 3)], null),
        );
        let parts = await c.partitions('messages');
        expect(parts.map((p) => [p.partition, p.rows, p.files, p.bytes, p.minTime, p.maxTime])).toEqual([
          ['2026-01-01', 12, 2, 120, 1005, 2007],
          ['2026-01-02', 3, 1, 30, 1003, 2003],
        ]);
        const removed = await c.write((tx) => tx.removeDataFiles([ids[1]!]));
        expect(removed.map((f) => f.rows)).toEqual([7]);
        parts = await c.partitions('messages');
        expect(parts.map((p) => [p.partition, p.rows, p.files, p.minTime, p.maxTime])).toEqual([
          ['2026-01-01', 5, 1, 1005, 2005],
          ['2026-01-02', 3, 1, 1003, 2003],
        ]);
        await c.write((tx) => tx.removeDataFiles([ids[2]!]));
        expect((await c.partitions()).map((p) => p.partition)).toEqual(['2026-01-01']);
      }),
    );

    it(
      "changes a dataset's files version on every add and remove, and only that dataset's",
      withCatalog(async (c) => {
        const seen = [await c.dataFilesVersion('messages')];
        const contacts = await c.dataFilesVersion('contacts');
        const [a, b] = await c.write((tx) =>
          tx.addDataFiles([file('2026-01-01', 5), file('2026-01-02', 3)], null),
        );
        seen.push(await c.dataFilesVersion('messages'));
        await c.write((tx) => tx.removeDataFiles([a!]));
        seen.push(await c.dataFilesVersion('messages'));
        await c.write(async (tx) => {
          await tx.removeDataFiles([b!]);
          await tx.addDataFiles([file('2026-01-02', 3)], null);
        });
        seen.push(await c.dataFilesVersion('messages'));
        expect(new Set(seen).size).toBe(seen.length);
        expect(await c.dataFilesVersion('contacts')).toBe(contacts);
      }),
    );

    it(
      'moves lineage to the file that replaces others',
      withCatalog(async (c) => {
        const src = await c.source('/logs/a.log', 'file', 'wechat');
        const [a, b] = await c.write((tx) =>
          tx.addDataFiles([file('2026-01-01', 1), file('2026-01-01', 2)], null),
        );
        await c.write((tx) =>
          tx.addLineage([
            { dataFileId: a!, sourceId: src.id, startOffset: 0, endOffset: 10 },
            { dataFileId: b!, sourceId: src.id, startOffset: 10, endOffset: 20 },
          ]),
        );
        const [merged] = await c.write(async (tx) => {
          await tx.removeDataFiles([a!, b!]);
          const ids = await tx.addDataFiles([file('2026-01-01', 3, 'messages/merged.parquet')], null);
          await tx.moveLineage([a!, b!], ids[0]!);
          return ids;
        });
        expect((await c.dataFiles()).map((f) => f.id)).toEqual([merged]);
        expect((await c.lineage(merged!)).map((l) => [l.sourceId, l.startOffset, l.endOffset])).toEqual([
          [src.id, 0, 10],
          [src.id, 10, 20],
        ]);
        expect(await c.lineage(a!)).toEqual([]);
      }),
    );

    it(
      'saves and replaces a source checkpoint',
      withCatalog(async (c) => {
        const src = await c.source('/logs/a.log', 'file', 'wechat');
        expect((await c.source('/logs/a.log', 'file', 'wechat')).id).toBe(src.id);
        expect(await c.checkpoint(src.id)).toBeNull();
        // The catalog keeps a cursor as text it never reads (here a file cursor's encoding).
        const at = { offset: 100, line: 3, fileSize: 120, fileId: '1:2', headHash: 'h', tailHash: 't' };
        const cp = { sourceId: src.id, cursor: encodeFileCursor(at) };
        await c.write((tx) => tx.saveCheckpoint(cp));
        const moved = { ...cp, cursor: encodeFileCursor({ ...at, offset: 9_000_000_000, line: 4 }) };
        await c.write((tx) => tx.saveCheckpoint(moved));
        expect(await c.checkpoint(src.id)).toEqual(moved);
        expect(decodeFileCursor((await c.checkpoint(src.id))!.cursor)).toEqual({
          ...at,
          offset: 9_000_000_000,
          line: 4,
        });
      }),
    );

    it(
      'sums conversation coverage across batches',
      withCatalog(async (c) => {
        const row = {
          platform: 'wechat',
          conversationId: 'r@chatroom',
          isGroup: true,
          firstAt: 50,
          lastAt: 60,
          messageCount: 2,
        };
        await c.write((tx) => tx.touchConversations([row]));
        await c.write((tx) => tx.touchConversations([{ ...row, firstAt: 10, lastAt: 55, messageCount: 3 }]));
        expect(await c.conversations()).toEqual([{ ...row, firstAt: 10, lastAt: 60, messageCount: 5 }]);
      }),
    );

    it(
      'keeps the newest contact state; a deletion keeps the profile and marks it deleted',
      withCatalog(async (c) => {
        const base = {
          platform: 'wechat',
          contactId: 'wxid_a',
          accountId: 'g',
          contactType: 'user',
          alias: 'al',
          nickname: 'Alice',
          remark: null,
          memberCount: null,
          deleted: false,
          observedAt: 100,
        };
        await c.write((tx) => tx.upsertContacts([base]));
        await c.write((tx) => tx.upsertContacts([{ ...base, nickname: 'Old', observedAt: 50 }]));
        expect((await c.contacts())[0]!.nickname).toBe('Alice');
        await c.write((tx) =>
          tx.upsertContacts([{ ...base, nickname: null, alias: null, deleted: true, observedAt: 200 }]),
        );
        expect(await c.contacts()).toEqual([{ ...base, deleted: true, observedAt: 200 }]);
      }),
    );

    it(
      'keeps quarantined bytes exactly and tracks their status',
      withCatalog(async (c) => {
        const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x0a]);
        await c.write((tx) =>
          tx.addQuarantine([{ source: 'a.log', line: 7, byteOffset: 99, reason: 'not_utf8', raw }], null),
        );
        const [row] = await c.quarantine({ status: 'open' });
        expect(Buffer.from(row!.raw)).toEqual(raw);
        expect(row).toMatchObject({
          source: 'a.log',
          line: 7,
          byteOffset: 99,
          reason: 'not_utf8',
          status: 'open',
        });
        await c.write((tx) => tx.setQuarantineStatus([row!.id], 'resolved'));
        expect(await c.quarantineCounts()).toEqual({ open: 0, retried: 0, resolved: 1, dismissed: 0 });
      }),
    );

    it(
      'keeps revocations once each, and finds those of given messages',
      withCatalog(async (c) => {
        const revoke = (platform: string, messageId: string, revokeId: string) => ({
          platform,
          messageId,
          revokeId,
          revokedAt: 1000,
        });
        await c.write((tx) =>
          tx.addRevocations([
            revoke('wechat', '1', 'r1'),
            revoke('wechat', '2', 'r2'),
            revoke('api', '1', 'r3'),
          ]),
        );
        await c.write((tx) => tx.addRevocations([revoke('wechat', '1', 'r1')]));
        expect(await c.revocationCount()).toBe(3);
        const ids = (rows: { platform: string; messageId: string }[]) =>
          rows.map((r) => `${r.platform}:${r.messageId}`).sort();
        expect(ids(await c.revocations())).toEqual(['api:1', 'wechat:1', 'wechat:2']);
        expect(ids(await c.revocations('wechat'))).toEqual(['wechat:1', 'wechat:2']);
        expect(ids(await c.revocations('wechat', ['2', '3']))).toEqual(['wechat:2']);
        expect(await c.revocations('wechat', [])).toEqual([]);
      }),
    );

    it(
      'numbers schema versions by new field sets only',
      withCatalog(async (c) => {
        const v1 = await c.write((tx) => tx.schemaVersion('messages', '["a","b"]', '[]'));
        const again = await c.write((tx) => tx.schemaVersion('messages', '["a","b"]', '[]'));
        const v2 = await c.write((tx) => tx.schemaVersion('messages', '["a","b","c"]', '[]'));
        const other = await c.write((tx) => tx.schemaVersion('contacts', '["x"]', '[]'));
        expect([v1, again, v2, other]).toEqual([1, 1, 2, 1]);
      }),
    );

    it(
      'records tasks and interrupts the ones left running',
      withCatalog(async (c) => {
        const done = await c.startTask('ingest', { inputs: ['a'] });
        await c.finishTask(done, 'succeeded', { messages: 3 });
        const crashed = await c.startTask('ingest', {});
        expect(await c.interruptStaleTasks(Date.now() + 1)).toBe(1);
        const tasks = await c.tasks(10);
        expect(tasks.find((t) => t.id === done)).toMatchObject({
          status: 'succeeded',
          counts: { messages: 3 },
          args: { inputs: ['a'] },
        });
        expect(tasks.find((t) => t.id === crashed)?.status).toBe('interrupted');
      }),
    );

    it(
      'stores quality metrics with their rate',
      withCatalog(async (c) => {
        const task = await c.startTask('ingest', {});
        await c.write((tx) =>
          tx.addQualityMetrics([
            { taskId: task, dataset: 'messages', metric: 'malformed_rate', numerator: 5, denominator: 1000 },
            { taskId: task, dataset: 'messages', metric: 'duplicate_rate', numerator: 0, denominator: 0 },
          ]),
        );
        expect((await c.qualityMetrics(task)).map((m) => [m.metric, m.value])).toEqual([
          ['malformed_rate', 0.005],
          ['duplicate_rate', 0],
        ]);
      }),
    );

    // Quarantine identity (migration 005): an entry is its bytes.
    it(
      'keeps one quarantine entry per payload: a repeat bumps seen, dismissed entries stay closed',
      withCatalog(async (c) => {
        const bad = Buffer.from('<html>502 Bad Gateway</html>');
        const other = Buffer.from('{"half":');
        await c.write((tx) =>
          tx.addQuarantine(
            [
              { source: 'a.log', line: 1, byteOffset: 0, reason: 'not_json', raw: bad },
              { source: 'a.log', line: 2, byteOffset: 30, reason: 'not_json', raw: bad },
              { source: 'a.log', line: 3, byteOffset: 60, reason: 'not_json', raw: other },
            ],
            null,
          ),
        );
        await c.write((tx) =>
          tx.addQuarantine(
            [{ source: 'copy.log', line: 9, byteOffset: 0, reason: 'not_json', raw: bad }],
            null,
          ),
        );
        // A batch's entries go in content-hash order (concurrent writers lock them alike): sorted by line here.
        const rows = (await c.quarantine({ status: 'open' })).sort((a, b) => a.line! - b.line!);
        expect(rows.map((r) => [r.source, r.line, r.seen])).toEqual([
          ['a.log', 1, 3],
          ['a.log', 3, 1],
        ]);
        const lowest = Math.min(rows[0]!.id, rows[1]!.id);
        expect(await c.quarantineCount({ status: 'open', afterId: lowest })).toBe(1);
        expect(
          await c.write((tx) => tx.dismissQuarantine([rows[0]!.id, 999_999], 'upstream error page')),
        ).toEqual([rows[0]!.id]);
        await c.write((tx) =>
          tx.addQuarantine([{ source: 'b.log', line: 1, byteOffset: 0, reason: 'not_json', raw: bad }], null),
        );
        const entry = await c.quarantineEntry(rows[0]!.id);
        expect(entry).toMatchObject({ status: 'dismissed', seen: 4, dismissReason: 'upstream error page' });
        expect(await c.quarantineCounts()).toEqual({ open: 1, retried: 0, resolved: 0, dismissed: 1 });
        expect(await c.write((tx) => tx.dismissQuarantine('all', 'bulk'))).toEqual([rows[1]!.id]);
        expect(await c.quarantineCount({ status: 'open' })).toBe(0);
      }),
    );
  });
}

/** A seeded shuffle: each writer lists the same rows in its own order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed * 2654435761 + 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Resolves once n callers have arrived, or after a short wait: a backend that runs one write at a time (SQLite)
 * never lets the second caller arrive while the first waits.
 */
function meeting(n: number, waitMs = 200): () => Promise<void> {
  let count = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    if (++count >= n) release();
    return Promise.race([all, new Promise<void>((resolve) => setTimeout(resolve, waitMs))]);
  };
}
