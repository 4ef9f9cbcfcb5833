import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import type { MessageQuery, QueryRow } from '../../src/query/message-query.js';
import type { QueryService } from '../../src/query/query-service.js';
import { timeBound } from '../../src/query/time-bound.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { lakeRows } from '../support/lake-contents.js';
import { writeToyLog } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

describe('query service against a naive reference', () => {
  const dir = tempDir();
  let lake: Lake;
  let service: QueryService;
  let all: Record<string, unknown>[];
  let revoked: Set<string>;
  beforeAll(async () => {
    const log = join(dir.path, 'toy.log');
    const first = writeToyLog(log, { messages: 3000, days: 12, rooms: 6, senders: 40, seed: 11 });
    // A second log over the same days: partitions hold several files whose time ranges overlap.
    const later = join(dir.path, 'toy2.log');
    const opts = { messages: 600, days: 12, rooms: 6, senders: 40, seed: 12, startIndex: first.nextIndex };
    writeToyLog(later, opts);
    lake = await openLake(
      { dataDir: join(dir.path, 'data'), tz: 'Asia/Shanghai', batchBytes: 256 * 1024 },
      { platforms: [toyModule] },
    );
    await ingest(lake, [log]);
    await ingest(lake, [later]);
    service = await lake.query();
    all = await lakeRows(lake, 'messages');
    revoked = new Set((await lake.catalog.revocations()).map((r) => r.messageId));
  }, 120_000);
  afterAll(async () => {
    await lake.close();
    dir.remove();
  });

  const reference = (q: MessageQuery): Record<string, unknown>[] =>
    all
      .filter((r) => {
        const t = (r.sent_at as Date).getTime();
        if (q.from !== undefined && t < q.from) return false;
        if (q.to !== undefined && t >= q.to) return false;
        if (q.conversation && r.conversation_id !== q.conversation) return false;
        if (q.sender && r.sender_id !== q.sender) return false;
        if (q.type && (/^\d+$/.test(q.type) ? r.type_code !== q.type : r.kind !== q.type)) return false;
        if (
          q.text &&
          !String(r.text ?? '\u0000')
            .toLowerCase()
            .includes(q.text.toLowerCase())
        )
          return false;
        return true;
      })
      .sort((a, b) => {
        const d = (a.sent_at as Date).getTime() - (b.sent_at as Date).getTime();
        const order = d !== 0 ? d : String(a.message_id) < String(b.message_id) ? -1 : 1;
        return q.order === 'desc' ? -order : order;
      });

  const collect = async (q: MessageQuery): Promise<QueryRow[]> => {
    const out: QueryRow[] = [];
    for await (const batch of service.rows(q)) out.push(...batch);
    return out;
  };

  it('every filter combination returns exactly the reference rows, in order', async () => {
    // The data has what the filters and marks are checked on: revoked messages, several kinds and type codes.
    expect(revoked.size).toBeGreaterThan(50);
    expect(new Set(all.map((r) => r.kind)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map((r) => r.type_code)).size).toBeGreaterThanOrEqual(4);
    // Filters are drawn from one existing row (each present or not), so results are rarely empty.
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.record({
          from: fc.boolean(),
          to: fc.boolean(),
          conversation: fc.boolean(),
          sender: fc.boolean(),
          type: fc.constantFrom('none', 'kind', 'code'),
          text: fc.boolean(),
          widen: fc.nat(3),
        }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        async (index, use, order) => {
          const row = all[index]!;
          const day = lake.localDay.dayOf((row.sent_at as Date).getTime());
          const shift = (d: string, n: number) =>
            new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
          const text =
            typeof row.text === 'string' && row.text.length > 1
              ? [...row.text].slice(0, 2).join('')
              : undefined;
          const q: MessageQuery = {
            from: use.from ? timeBound(shift(day, -use.widen), lake.localDay, 'from') : undefined,
            to: use.to ? timeBound(shift(day, use.widen), lake.localDay, 'to') : undefined,
            conversation: use.conversation ? (row.conversation_id as string) : undefined,
            sender: use.sender && row.sender_id ? (row.sender_id as string) : undefined,
            type:
              use.type === 'kind'
                ? (row.kind as string)
                : use.type === 'code' && row.type_code
                  ? (row.type_code as string)
                  : undefined,
            text: use.text ? text : undefined,
            order,
          };
          const got = await collect(q);
          const want = reference(q);
          expect(got.map((r) => r.message_id)).toEqual(want.map((r) => r.message_id));
          for (const r of got) expect(r.revoked).toBe(revoked.has(r.message_id as string));
          expect(want.length).toBeGreaterThan(0);
          if (want.length < all.length) nonEmpty++;
        },
      ),
      { numRuns: 80 },
    );
    expect(nonEmpty).toBeGreaterThan(40);
  }, 120_000);

  it('paging with the cursor walks the whole result exactly once, in either order', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const q: MessageQuery = {
        from: timeBound('2026-01', lake.localDay, 'from'),
        order,
        columns: ['message_id', 'sent_at'],
      };
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.page({ ...q, limit: 97, cursor });
        seen.push(...page.rows.map((r) => r.message_id as string));
        cursor = page.cursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(reference(q).map((r) => r.message_id));
    }
  });

  it('limited reads (walked file group by file group) page through exactly the reference rows', async () => {
    const files = await lake.catalog.dataFiles({ dataset: 'messages' });
    expect(files.length).toBeGreaterThan(new Set(files.map((f) => f.partition)).size);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.boolean(),
        fc.integer({ min: 25, max: 400 }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        async (index, byConversation, limit, order) => {
          const row = all[index]!;
          // With platform and conversation the first group is sized from the catalog's conversation stats.
          const q: MessageQuery = {
            platform: byConversation ? (row.platform as string) : undefined,
            conversation: byConversation ? (row.conversation_id as string) : undefined,
            order,
          };
          const want = reference(q).map((r) => r.message_id);
          const seen: QueryRow[] = [];
          let cursor: string | undefined;
          do {
            const page = await service.page({ ...q, limit, cursor });
            expect(page.rows.length).toBeLessThanOrEqual(limit);
            seen.push(...page.rows);
            cursor = page.cursor ?? undefined;
          } while (cursor && seen.length <= want.length);
          expect(seen.map((r) => r.message_id)).toEqual(want);
          for (const r of seen) expect(r.revoked).toBe(revoked.has(r.message_id as string));
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('refuses a tampered cursor and a cursor of another query', async () => {
    const q: MessageQuery = { limit: 5 };
    const { cursor } = await service.page(q);
    expect(cursor).toBeTruthy();
    const [body, sig] = cursor!.split('.');
    const forged = `${Buffer.from(Buffer.from(body!, 'base64url').toString().replace(/\d/, '9')).toString('base64url')}.${sig}`;
    await expect(service.page({ ...q, cursor: forged })).rejects.toThrow(/not one chatlake issued/);
    await expect(service.page({ ...q, conversation: 'other', cursor: cursor! })).rejects.toThrow(
      /different query/,
    );
    // Malformed shapes are refused the same way (a non-ASCII signature once reached a byte comparison).
    const sameLength = `${sig!.slice(0, -1)}é`;
    for (const bad of [`${body}.${sameLength}`, `${cursor}.junk`, `${body}`, `.${sig}`])
      await expect(service.page({ ...q, cursor: bad })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('marks revocations made a moment ago, in concurrent pages and streams (one reload of the shared table at a time)', async () => {
    const row = all[7]!;
    await lake.catalog.write((tx) =>
      tx.addRevocations([
        { platform: 'toy', messageId: row.message_id as string, revokeId: 'r-test', revokedAt: 1 },
      ]),
    );
    const t = (row.sent_at as Date).getTime();
    const q: MessageQuery = { conversation: row.conversation_id as string, from: t, to: t + 1 };
    const pages = await Promise.all(Array.from({ length: 8 }, () => service.page({ ...q, limit: 50 })));
    for (const p of pages) {
      const mine = p.rows.find((r) => r.message_id === row.message_id);
      expect(mine?.revoked).toBe(true);
    }
    // Unlimited reads join the revocations inside DuckDB instead, from a table reloaded one reader at a time.
    const streams = await Promise.all(Array.from({ length: 8 }, () => collect(q)));
    for (const rows of streams) expect(rows.find((r) => r.message_id === row.message_id)?.revoked).toBe(true);
    // A page marks them from the catalog after the read, and still returns only the columns asked for.
    const narrow = await service.page({ ...q, limit: 50, columns: ['sent_at', 'message_id', 'revoked'] });
    expect(narrow.rows.find((r) => r.message_id === row.message_id)).toEqual({
      sent_at: row.sent_at,
      message_id: row.message_id,
      revoked: true,
    });
    revoked.add(row.message_id as string);
  });

  it('gets messages by id, in the order asked, skipping unknown ids', async () => {
    const ids = [all[5]!.message_id as string, '999', all[1]!.message_id as string];
    const got = await service.get(ids);
    expect(got.map((r) => r.message_id)).toEqual([ids[0], ids[2]]);
    expect(got[0]!.raw).toBe(all[5]!.raw);
  });

  it('reads local days in the configured zone', () => {
    expect(new Date(timeBound('2026-01-05', lake.localDay, 'from')).toISOString()).toBe(
      '2026-01-04T16:00:00.000Z',
    );
    expect(new Date(timeBound('2026-01', lake.localDay, 'to')).toISOString()).toBe(
      '2026-01-31T16:00:00.000Z',
    );
    expect(new Date(timeBound('2026-01-05T10:30', lake.localDay, 'from')).toISOString()).toBe(
      '2026-01-05T02:30:00.000Z',
    );
    expect(new Date(timeBound('2026-01-05T10:30Z', lake.localDay, 'from')).toISOString()).toBe(
      '2026-01-05T10:30:00.000Z',
    );
    expect(() => timeBound('2026-02-30', lake.localDay, 'from')).toThrow(/not a calendar date/);
    expect(() => timeBound('yesterday', lake.localDay, 'from')).toThrow(/cannot read the time/);
  });
});
