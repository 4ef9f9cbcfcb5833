import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { NewHotRecord } from '../../src/catalog/service-catalog.js';
import { verifyAuditChain } from '../../src/service/audit-chain.js';

/** The service half of the catalog (hot tier, idempotency, audit, conversations): the same on every backend. */
export function serviceCatalogConformance(
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
  const hot = (key: string, time: number, conversationId = 'room'): NewHotRecord => ({
    dataset: 'messages',
    platform: 'wechat',
    recordKey: key,
    partition: '2026-01-23',
    time,
    conversationId,
    record: JSON.stringify({ messageId: key, raw: '{}' }),
    acceptedAt: 1000 + time,
  });

  describe(`service catalog conformance: ${name}`, () => {
    it(
      'hands hot rows to the lake: one transaction registers the file and removes exactly those rows, once',
      withCatalog(async (c) => {
        await c.write((tx) => tx.addHotRecords([hot('a', 1), hot('b', 2), hot('c', 3)]));
        const rows = await c.hotRecords({ order: 'id', limit: 2 });
        expect(rows.map((r) => r.recordKey)).toEqual(['a', 'b']);
        await c.write(async (tx) => {
          await tx.addDataFiles(
            [
              {
                dataset: 'messages',
                partition: '2026-01-23',
                path: 'messages/x.parquet',
                rows: 2,
                bytes: 10,
                minTime: 1,
                maxTime: 2,
                schemaVersion: 1,
              },
            ],
            null,
          );
          expect(await tx.removeHotRecords(rows.map((r) => r.id))).toBe(2);
        });
        // A second compactor holding the same rows finds them gone: its transaction must not commit.
        const again = await c
          .write(async (tx) => {
            await tx.addDataFiles(
              [
                {
                  dataset: 'messages',
                  partition: '2026-01-23',
                  path: 'messages/y.parquet',
                  rows: 2,
                  bytes: 10,
                  minTime: 1,
                  maxTime: 2,
                  schemaVersion: 1,
                },
              ],
              null,
            );
            const removed = await tx.removeHotRecords(rows.map((r) => r.id));
            if (removed !== rows.length) throw new Error('taken');
          })
          .catch((e: Error) => e.message);
        expect(again).toBe('taken');
        expect((await c.dataFiles()).map((f) => f.path)).toEqual(['messages/x.parquet']);
        expect((await c.hotRecords({})).map((r) => r.recordKey)).toEqual(['c']);
        expect(await c.hotSummary()).toMatchObject({ rows: 1, oldestAcceptedAt: 1003 });
      }),
    );

    it(
      'sums the hot rows a filter matches; the newest id moves with every row added or removed',
      withCatalog(async (c) => {
        await c.write((tx) => tx.addHotRecords([hot('a', 1), hot('b', 2), hot('c', 3, 'elsewhere')]));
        const all = await c.hotRecords({});
        const room = { dataset: 'messages' as const, platform: 'wechat', conversationId: 'room' };
        const before = await c.hotSummary(room);
        expect(before).toMatchObject({ rows: 2, oldestAcceptedAt: 1001, lastId: all[1]!.id });
        expect(await c.hotSummary({ ...room, fromTime: 2 })).toMatchObject({ rows: 1, lastId: all[1]!.id });
        expect(await c.hotSummary({ ...room, keys: [] })).toMatchObject({ rows: 0, lastId: null });
        expect(await c.hotSummary()).toMatchObject({ rows: 3, lastId: all[2]!.id });
        await c.write(async (tx) => {
          await tx.removeHotRecords([all[0]!.id]);
          await tx.addHotRecords([hot('d', 4)]);
        });
        const after = await c.hotSummary(room);
        expect(after.rows).toBe(before.rows);
        expect(after.lastId).toBeGreaterThan(before.lastId!);
      }),
    );

    it(
      'pages hot rows by (time, key) keyset in both directions, equal times included, each row once',
      withCatalog(async (c) => {
        const keys = Array.from({ length: 23 }, (_, i) => `k${String(i).padStart(2, '0')}`);
        await c.write((tx) => tx.addHotRecords(keys.map((k, i) => hot(k, Math.floor(i / 4)))));
        await c.write((tx) => tx.addHotRecords([hot('other', 5, 'elsewhere')]));
        const seen: string[] = [];
        let before: { time: number; key: string } | undefined;
        for (;;) {
          const page = await c.hotRecords({
            platform: 'wechat',
            conversationId: 'room',
            order: 'time-desc',
            limit: 5,
            before,
          });
          if (page.length === 0) break;
          seen.push(...page.map((r) => r.recordKey));
          const last = page.at(-1)!;
          before = { time: last.time, key: last.recordKey };
        }
        expect(seen).toEqual([...keys].reverse());
        const after = await c.hotRecords({
          conversationId: 'room',
          order: 'time-asc',
          after: { time: 2, key: 'k09' },
          limit: 3,
        });
        expect(after.map((r) => r.recordKey)).toEqual(['k10', 'k11', 'k12']);
        expect((await c.hotRecords({ keys: ['k03', 'nope'] })).map((r) => r.recordKey)).toEqual(['k03']);
      }),
    );

    it(
      'idempotency keys: of two racing claims exactly one wins; the loser sees the pending entry, then the response',
      withCatalog(async (c) => {
        const claims = await Promise.all(
          [0, 1, 2].map(() => c.write((tx) => tx.claimIdempotency('token:1', 'key-1', 'h1', 5000))),
        );
        expect(claims.filter((x) => x === null)).toHaveLength(1);
        for (const x of claims.filter((x) => x !== null))
          expect(x).toMatchObject({ status: 'pending', requestHash: 'h1' });
        await c.write((tx) => tx.completeIdempotency('token:1', 'key-1', 201, '{"id":"m1"}'));
        // A claim of a key already there returns its entry (and changes nothing): now the stored response.
        expect(await c.write((tx) => tx.claimIdempotency('token:1', 'key-1', 'h1', 5000))).toMatchObject({
          status: 'done',
          responseStatus: 201,
        });
        expect(await c.write((tx) => tx.claimIdempotency('token:2', 'key-1', 'h2', 5000))).toBeNull();
        expect(await c.write((tx) => tx.purgeIdempotency(6000))).toBe(2);
      }),
    );

    it(
      'audit chain: concurrent appends still form one unbroken chain',
      withCatalog(async (c) => {
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            c.write((tx) =>
              tx.appendAudit({ at: i, actor: `a${i}`, action: 'test', target: `t${i}`, detail: { i } }),
            ),
          ),
        );
        const log = await c.auditLog();
        expect(log).toHaveLength(12);
        expect(verifyAuditChain(log)).toMatchObject({ ok: true, entries: 12 });
        expect(verifyAuditChain(log.filter((e) => e.id !== log[5]!.id))).toMatchObject({
          ok: false,
          problem: { id: log[6]!.id },
        });
      }),
    );

    it(
      'conversations with metadata, participants, message changes and acks',
      withCatalog(async (c) => {
        const created = await c.write((tx) =>
          tx.createConversation({
            platform: 'chatlake',
            conversationId: 'c1',
            isGroup: true,
            metadata: '{"a":1}',
            createdAt: 10,
          }),
        );
        expect(created).toBe(true);
        expect(
          await c.write((tx) =>
            tx.createConversation({
              platform: 'chatlake',
              conversationId: 'c1',
              isGroup: false,
              metadata: '{}',
              createdAt: 11,
            }),
          ),
        ).toBe(false);
        await c.write((tx) =>
          tx.touchConversations([
            {
              platform: 'chatlake',
              conversationId: 'c1',
              isGroup: true,
              firstAt: 20,
              lastAt: 30,
              messageCount: 2,
            },
          ]),
        );
        expect(await c.conversation('chatlake', 'c1')).toMatchObject({
          isGroup: true,
          metadata: '{"a":1}',
          messageCount: 2,
          lastAt: 30,
          createdAt: 10,
        });
        await c.write((tx) =>
          tx.createConversation({
            platform: 'chatlake',
            conversationId: 'c2',
            isGroup: false,
            metadata: '{}',
            createdAt: 40,
          }),
        );
        const first = await c.listConversations({ limit: 1 });
        expect(first.map((x) => x.conversationId)).toEqual(['c2']);
        const next = await c.listConversations({
          limit: 5,
          before: { lastAt: 40, platform: 'chatlake', conversationId: 'c2' },
        });
        expect(next.map((x) => x.conversationId)).toEqual(['c1']);
        await c.write((tx) =>
          tx.upsertParticipants([
            { platform: 'chatlake', conversationId: 'c1', participantId: 'bob', role: 'member', joinedAt: 1 },
            { platform: 'chatlake', conversationId: 'c1', participantId: 'amy', role: 'owner', joinedAt: 1 },
          ]),
        );
        expect(await c.write((tx) => tx.removeParticipant('chatlake', 'c1', 'bob'))).toBe(true);
        expect((await c.participants('chatlake', 'c1')).map((p) => p.participantId)).toEqual(['amy']);
        const versions = await Promise.all(
          ['x', 'y'].map((text) =>
            c.write((tx) =>
              tx.addMessageChange({
                platform: 'chatlake',
                messageId: 'm1',
                change: 'edit',
                text,
                actor: null,
                at: 5,
              }),
            ),
          ),
        );
        expect(versions.sort()).toEqual([1, 2]);
        await c.write((tx) =>
          tx.ackMessage({
            platform: 'chatlake',
            messageId: 'm1',
            participantId: 'amy',
            deliveredAt: 7,
            readAt: null,
          }),
        );
        await c.write((tx) =>
          tx.ackMessage({
            platform: 'chatlake',
            messageId: 'm1',
            participantId: 'amy',
            deliveredAt: 9,
            readAt: 9,
          }),
        );
        expect(await c.messageAcks('chatlake', 'm1')).toEqual([
          { platform: 'chatlake', messageId: 'm1', participantId: 'amy', deliveredAt: 7, readAt: 9 },
        ]);
      }),
    );

    it(
      'a conversation created empty takes its first and last times from its first messages, not its creation',
      withCatalog(async (c) => {
        const touch = (conversationId: string, firstAt: number, lastAt: number) =>
          c.write((tx) =>
            tx.touchConversations([
              { platform: 'chatlake', conversationId, isGroup: true, firstAt, lastAt, messageCount: 1 },
            ]),
          );
        for (const id of ['earlier', 'later']) {
          await c.write((tx) =>
            tx.createConversation({
              platform: 'chatlake',
              conversationId: id,
              isGroup: true,
              metadata: '{}',
              createdAt: 100,
            }),
          );
        }
        await touch('earlier', 50, 60);
        await touch('later', 200, 300);
        expect(await c.conversation('chatlake', 'earlier')).toMatchObject({
          firstAt: 50,
          lastAt: 60,
          createdAt: 100,
        });
        expect(await c.conversation('chatlake', 'later')).toMatchObject({
          firstAt: 200,
          lastAt: 300,
          createdAt: 100,
        });
        // Then the usual widening.
        await touch('earlier', 40, 45);
        await touch('later', 250, 400);
        expect(await c.conversation('chatlake', 'earlier')).toMatchObject({
          firstAt: 40,
          lastAt: 60,
          messageCount: 2,
        });
        expect(await c.conversation('chatlake', 'later')).toMatchObject({
          firstAt: 200,
          lastAt: 400,
          messageCount: 2,
        });
      }),
    );

    it(
      'audit entries: a page after an id, filtered by actor, action and target, oldest first',
      withCatalog(async (c) => {
        for (let i = 0; i < 6; i++) {
          await c.write((tx) =>
            tx.appendAudit({
              at: i,
              actor: i % 2 ? 'token:1' : 'cli',
              action: i < 3 ? 'token.create' : 'message.delete',
              target: `t${i % 3}`,
              detail: { i },
            }),
          );
        }
        const all = await c.auditLog();
        const ids = all.map((e) => e.id);
        expect((await c.auditEntries({ limit: 2 })).map((e) => e.id)).toEqual(ids.slice(0, 2));
        expect((await c.auditEntries({ afterId: ids[1]!, limit: 10 })).map((e) => e.id)).toEqual(
          ids.slice(2),
        );
        expect((await c.auditEntries({ actor: 'cli', limit: 10 })).map((e) => e.id)).toEqual([
          ids[0],
          ids[2],
          ids[4],
        ]);
        expect(
          (await c.auditEntries({ action: 'message.delete', target: 't1', limit: 10 })).map((e) => e.id),
        ).toEqual([ids[4]]);
        expect(await c.auditEntries({ actor: 'token:1', afterId: ids[5]!, limit: 10 })).toEqual([]);
        expect((await c.auditEntries({ limit: 1 }))[0]).toEqual(all[0]);
      }),
    );

    it(
      'lists every message change in (platform, message, version) order and counts them',
      withCatalog(async (c) => {
        expect(await c.messageChangeCount()).toBe(0);
        expect(await c.allMessageChanges()).toEqual([]);
        const change = (platform: string, messageId: string, kind: 'edit' | 'delete', at: number) =>
          c.write((tx) =>
            tx.addMessageChange({
              platform,
              messageId,
              change: kind,
              text: kind === 'edit' ? `t${at}` : null,
              actor: 'a',
              at,
            }),
          );
        await change('wechat', 'm2', 'edit', 1);
        await change('chatlake', 'm9', 'delete', 2);
        await change('wechat', 'm1', 'delete', 3);
        await change('wechat', 'm2', 'delete', 4);
        expect(await c.messageChangeCount()).toBe(4);
        expect(
          (await c.allMessageChanges()).map((r) => [
            r.platform,
            r.messageId,
            r.version,
            r.change,
            r.text,
            r.at,
          ]),
        ).toEqual([
          ['chatlake', 'm9', 1, 'delete', null, 2],
          ['wechat', 'm1', 1, 'delete', null, 3],
          ['wechat', 'm2', 1, 'edit', 't1', 1],
          ['wechat', 'm2', 2, 'delete', null, 4],
        ]);
      }),
    );
  });
}
