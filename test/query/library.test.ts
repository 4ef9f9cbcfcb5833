import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatlakeError, openLake } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';

const line = (id: string, t: number, text: string, room = '1@chatroom', type = 1) =>
  `${JSON.stringify({ guid: 'g', notify_type: 1010, data: { from_username: room, to_username: 'wxid_bot', chatroom: room, chatroom_sender: 'wxid_s', msg_id: id, msg_type: type, create_time: t, is_chatroom_msg: 1, content: text, desc: '', source: '' } })}\n`;

describe('library API (import from the package root)', () => {
  it('is importable by package name as compiled JavaScript (built by npm install)', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('chatlake'); console.log(typeof m.openLake, typeof m.ChatlakeError)",
      ],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        encoding: 'utf8',
      },
    );
    expect(out.trim()).toBe('function function');
  });

  const dir = tempDir();
  afterAll(() => dir.remove());

  it('ingests, streams a query, pages, gets, runs SQL, validates', async () => {
    const log = join(dir.path, 'w.log');
    const t0 = Date.UTC(2026, 0, 23, 2) / 1000;
    writeFileSync(
      log,
      line('1000000000000000001', t0, '早上开会') +
        line('1000000000000000002', t0 + 60, 'ok') +
        line('1000000000000000003', t0 + 86400, '明天开会', '2@chatroom'),
    );
    const lake = await openLake({ dataDir: join(dir.path, 'data'), tz: 'Asia/Shanghai' });
    try {
      expect((await lake.ingest([log])).messages).toBe(3);
      const texts: unknown[] = [];
      for await (const m of lake.query({ from: '2026-01-23', to: '2026-01-23', columns: ['text'] }))
        texts.push(m.text);
      expect(texts).toEqual(['早上开会', 'ok']);
      const found: unknown[] = [];
      for await (const m of lake.query({ text: '开会', order: 'desc' })) found.push(m.message_id);
      expect(found).toEqual(['1000000000000000003', '1000000000000000001']);
      const page = await lake.page({ limit: 2 });
      expect(page.rows.length).toBe(2);
      expect((await lake.page({ limit: 2, cursor: page.cursor! })).rows.map((r) => r.message_id)).toEqual([
        '1000000000000000003',
      ]);
      expect((await lake.get(['1000000000000000002']))[0]!.text).toBe('ok');
      const counts: unknown[] = [];
      for await (const r of lake.sql(
        'SELECT conversation_id, count(*)::INT AS n FROM messages GROUP BY 1 ORDER BY 1',
      ))
        counts.push([r.conversation_id, r.n]);
      expect(counts).toEqual([
        ['1@chatroom', 2],
        ['2@chatroom', 1],
      ]);
      // The catalog's tables beside the lake's views, times exact.
      appendFileSync(
        log,
        line(
          '1000000000000000004',
          t0 + 120,
          '<sysmsg type="revokemsg"><revokemsg><newmsgid>1000000000000000002</newmsgid></revokemsg></sysmsg>',
          '1@chatroom',
          10002,
        ),
      );
      await lake.ingest([log]);
      const sql = async (q: string) => {
        const rows: Record<string, unknown>[] = [];
        for await (const r of lake.sql(q)) rows.push(r);
        return rows;
      };
      expect(await sql('SELECT message_id FROM messages WHERE revoked')).toEqual([
        { message_id: '1000000000000000002' },
      ]);
      expect(await sql('SELECT message_id, revoke_id, revoked_at FROM revocations')).toEqual([
        {
          message_id: '1000000000000000002',
          revoke_id: '1000000000000000004',
          revoked_at: new Date((t0 + 120) * 1000),
        },
      ]);
      expect(
        await sql(
          'SELECT conversation_id, is_group, first_at, last_at, message_count FROM conversations ORDER BY 1',
        ),
      ).toEqual([
        {
          conversation_id: '1@chatroom',
          is_group: true,
          first_at: new Date(t0 * 1000),
          last_at: new Date((t0 + 120) * 1000),
          message_count: 3n,
        },
        {
          conversation_id: '2@chatroom',
          is_group: true,
          first_at: new Date((t0 + 86400) * 1000),
          last_at: new Date((t0 + 86400) * 1000),
          message_count: 1n,
        },
      ]);
      await expect(async () => {
        for await (const _ of lake.sql('DROP VIEW messages')) void _;
      }).rejects.toThrow(ChatlakeError);
      expect((await lake.validate()).ok).toBe(true);
      expect((await lake.stats()).datasets.messages.rows).toBe(4);
    } finally {
      await lake.close();
    }
  });
});
