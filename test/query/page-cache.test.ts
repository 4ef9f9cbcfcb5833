import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openService, type Service } from '../../src/app/open-service.js';
import { resolveServiceConfig } from '../../src/config/service-config.js';
import type { QueryRow } from '../../src/query/message-query.js';
import { VIEW_COLUMNS } from '../../src/service/api-message-view.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { type ToyMessage, toyLine } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

// A repeated page of one conversation is served from the query service's read-ahead windows; these reads interleave
// with every change that must reach the next page: a new hot row, a compaction into Parquet, a revocation.
const T0 = 1769126400;
/** A toy message `id` in `room` at `time` (epoch seconds). */
const message = (id: string, time: number, room = 'carol', more: Partial<ToyMessage> = {}) =>
  JSON.parse(toyLine({ id, at: time * 1000, room, text: `m${id}`, ...more }));
const revoke = (id: string, revoked: string, time: number) =>
  message(id, time, 'carol', { kind: 'revoke', ref: revoked, text: '"Carol" revoked a message' });

describe('pages of one conversation, read again after each change', () => {
  const dir = tempDir();
  let service: Service;
  let token: string;
  const post = async (body: unknown) => {
    const r = await service.app.inject({ method: 'POST', url: '/webhook/toy', payload: body as object });
    expect(r.statusCode).toBe(200);
  };
  const page = async (limit = 20) => {
    const r = await service.app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${encodeURIComponent('toy:carol')}/messages?limit=${limit}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.statusCode, r.body).toBe(200);
    return (JSON.parse(r.body) as { messages: { id: string; revoked: boolean }[] }).messages;
  };

  beforeAll(async () => {
    service = await openService(
      { dataDir: dir.path },
      {},
      resolveServiceConfig({ logLevel: 'silent', hotMaxAgeSeconds: 3600 }, {}),
      { platforms: [toyModule] },
    );
    token = (await service.context.tokens.create('r', 'read', 'test')).token;
    for (let i = 1; i <= 30; i++) await post(message(String(1000 + i), T0 + i * 60));
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  /** Every page of `limit` by cursor, newest first: the ids of each. `afterPage` runs after each page. */
  const walk = async (limit: number, conversation = 'carol', afterPage = async () => {}) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const r = await service.app.inject({
        method: 'GET',
        url: `/api/v1/conversations/${encodeURIComponent(`toy:${conversation}`)}/messages?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.statusCode, r.body).toBe(200);
      const body = JSON.parse(r.body) as { messages: { id: string }[]; nextCursor: string | null };
      pages.push(body.messages.map((m) => m.id));
      cursor = body.nextCursor;
      await afterPage();
    } while (cursor);
    return pages;
  };
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `toy:${to - i}`);

  it('walks a conversation by cursor from one read-ahead window, and reads again after a change', async () => {
    const counters = (await service.context.lake.query()).counters;
    const scans = counters.scans;
    const all = (await walk(7)).flat();
    expect(all).toEqual(ids(1001, 1030));
    // The first page read the whole (short) conversation ahead; every later page was cut from it.
    expect(counters.scans - scans).toBe(1);
    expect(await walk(7)).toEqual(await walk(7));
    expect(counters.scans - scans).toBe(1);
    // A late message inside the range changes the window's hot rows: the next walk reads again and has it.
    await post(message('999', T0 + 5 * 60 + 30));
    const again = (await walk(7)).flat();
    expect(again).toHaveLength(31);
    expect(again.indexOf('toy:999')).toBe(again.indexOf('toy:1006') + 1);
    expect(counters.scans - scans).toBe(2);
  });

  it('reads the next window ahead while a reader scrolls through the current one', async () => {
    const conversation = 'dave';
    for (let i = 1; i <= 700; i++) {
      await post(message(String(5000 + i), T0 + i, conversation));
    }
    await service.compactor.drain();
    const query = await service.context.lake.query();
    const { scans, windowHits } = query.counters;
    const scansAfter: number[] = [];
    const seen = (
      await walk(50, conversation, async () => {
        await query.idle();
        scansAfter.push(query.counters.scans - scans);
      })
    ).flat();
    expect(seen).toEqual(Array.from({ length: 700 }, (_, i) => `toy:${5700 - i}`));
    // Page 1 read 500 rows ahead (rows 0–499). Page 4 (rows 150–200), the window's fourth, started the read of
    // the next window in the background, from two pages before this one's end (rows 398–699); pages 10–14 came
    // from it. Without that read, page 10 (rows 450–500) would have read for itself.
    expect(scansAfter).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(query.counters.windowHits - windowHits).toBe(13);
  });

  it('reads the rest of a quiet chat spread over many days in one background read once a reader pages on', async () => {
    const conversation = 'erin';
    // 300 messages, 5 a day (spread over the day) for 60 days: 60 day files after compaction.
    for (let i = 0; i < 300; i++) {
      await post(
        message(
          String(8000 + i),
          T0 - 90 * 86400 + Math.floor(i / 5) * 86400 + (i % 5) * 4 * 3600,
          conversation,
        ),
      );
    }
    await service.compactor.drain();
    const query = await service.context.lake.query();
    const { scans, windowHits } = query.counters;
    const pages = await walk(25, conversation, () => query.idle());
    const seen = pages.flat();
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => `toy:${8299 - i}`));
    // The first page read only the days it needed (12 of them: 60 messages). The second, cut from those, started
    // the read of the next window in the background, sized for a whole window: the rest of the chat. Every
    // later page was cut from it. (Without that read, every other page would read a few days again.)
    expect(query.counters.scans - scans).toBe(2);
    expect(query.counters.windowHits - windowHits).toBe(pages.length - 1);
  });

  it('puts messages that arrive on top of the newest page from the hot tier, without a scan, exactly as a scan would', async () => {
    const conversation = 'gus';
    const at = (i: number) => T0 + 7 * 86400 + i * 60;
    const send = async (i: number, kind: 'text' | 'status' = 'text') =>
      post(message(String(9000 + i), at(i), conversation, kind === 'status' ? { kind, text: null } : {}));
    for (let i = 0; i < 30; i++) await send(i);
    await service.compactor.drain();
    for (let i = 30; i < 35; i++) await send(i);
    const query = await service.context.lake.query();
    const catalog = service.context.lake.catalog;
    // The newest page as the API asks for it: up to the conversation's last time.
    const newest = async () => {
      const c = (await catalog.conversation('toy', conversation))!;
      const q = {
        dataset: 'messages' as const,
        platform: 'toy',
        conversation,
        from: c.firstAt,
        to: c.lastAt + 1,
        order: 'desc' as const,
        withoutStatus: true,
        columns: VIEW_COLUMNS,
      };
      const page: QueryRow[] = [];
      for await (const b of query.rows({ ...q, limit: 21 })) page.push(...b);
      const all: QueryRow[] = [];
      for await (const b of query.rows(q)) all.push(...b);
      return { page, scan: all.slice(0, 21) };
    };
    const first = await newest();
    expect(first.page).toEqual(first.scan);
    const { scans, windowHits } = query.counters;
    // Two messages and a status sync arrive: the next newest page adds them to the window it has.
    await send(35);
    await send(36, 'status');
    await send(37);
    const second = await newest();
    expect(second.page.map((r) => r.message_id).slice(0, 3)).toEqual(['9037', '9035', '9034']);
    expect(second.page).toEqual(second.scan);
    expect(query.counters.windowHits - windowHits).toBe(1);
    // The unlimited reads (the reference) are the only scans.
    expect(query.counters.scans - scans).toBe(1);
    // A compaction changes the files: the page reads again, and still matches.
    await service.compactor.drain();
    await send(38);
    const third = await newest();
    expect(third.page).toEqual(third.scan);
    expect(third.page[0]!.message_id).toBe('9038');
    expect(query.counters.scans - scans).toBe(3);
  });

  it('reads as usual when the newest window, read for a shorter page, cannot hold the next newest page', async () => {
    const conversation = 'hal';
    // One message a day for 40 days (40 day files, each spanning its day with another chat's messages): a
    // page of 3 reads only the few newest days.
    for (let i = 0; i < 40; i++) {
      const day = T0 - 200 * 86400 + i * 86400;
      await post(message(String(7000 + i), day + 3600, conversation));
      for (const [n, at] of [
        [0, 60],
        [1, 86000],
      ] as const) {
        await post(message(String(17000 + i * 2 + n), day + at, 'ivy'));
      }
    }
    await service.compactor.drain();
    const newest = async (limit: number) => {
      const r = await service.app.inject({
        method: 'GET',
        url: `/api/v1/conversations/${encodeURIComponent(`toy:${conversation}`)}/messages?limit=${limit}`,
        headers: { authorization: `Bearer ${token}` },
      });
      return JSON.parse(r.body) as { messages: { id: string }[]; nextCursor: string | null };
    };
    expect((await newest(3)).messages).toHaveLength(3);
    await post(message('7040', T0 - 200 * 86400 + 40 * 86400 + 3600, conversation));
    // A message arrived: the window holds only the few days read for 3 messages; a page of 20 must not end there.
    const page = await newest(20);
    expect(page.messages.map((x) => x.id)).toEqual(ids(7021, 7040));
    expect(page.nextCursor).not.toBeNull();
  });

  it('sees a new hot row, the same rows after compaction, and a revocation', async () => {
    expect((await page()).map((m) => m.id)).toEqual(ids(1011, 1030));
    expect((await page()).map((m) => m.id)).toEqual(ids(1011, 1030));

    await post(message('1031', T0 + 31 * 60));
    expect((await page()).map((m) => m.id)).toEqual(ids(1012, 1031));

    await service.compactor.drain();
    expect((await service.context.lake.catalog.hotSummary()).rows).toBe(0);
    expect((await page()).map((m) => m.id)).toEqual(ids(1012, 1031));

    // An older message arriving late (a re-sync) lands inside the page, not just on top.
    await post(message('1000', T0 + 30 * 60 + 30));
    const late = (await page()).map((m) => m.id);
    expect(late).toContain('toy:1000');
    expect(late).toHaveLength(20);

    await post(revoke('2000', '1025', T0 + 40 * 60));
    const revoked = (await page(30)).filter((m) => m.revoked).map((m) => m.id);
    expect(revoked).toEqual(['toy:1025']);
  });
});
