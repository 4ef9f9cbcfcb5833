import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteCatalog } from '../../src/catalog/sqlite/open-sqlite-catalog.js';
import type { Message } from '../../src/core/message.js';
import { openDuckDB } from '../../src/lake/duckdb-engine.js';
import { LakeWriter } from '../../src/lake/lake-writer.js';
import { parquetCodecs, readParquetRows } from '../support/read-parquet.js';
import { message as neutralMessage } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

const message = (i: number, conversationId: string, sentAt: number): Message =>
  neutralMessage({
    accountId: 'account-1',
    conversationId,
    messageId: String(7_000_000_000_000_000_000n + BigInt(i)),
    senderId: `user_${i}`,
    isGroup: conversationId.endsWith('@group'),
    typeCode: '1',
    text: `你好 ${i} "quoted" \\ \n newline`,
    content: `你好 ${i}`,
    meta: i % 2 ? JSON.stringify({ md5: 'abc' }) : null,
    sentAt,
    receivedAt: i % 3 ? sentAt + 5 : null,
    raw: JSON.stringify({ msg_id: String(i), big: '12345678901234567890' }),
  });

describe('LakeWriter', () => {
  let dir: ReturnType<typeof tempDir>;
  let writer: LakeWriter;
  beforeEach(async () => {
    dir = tempDir();
    writer = new LakeWriter(
      await openDuckDB({ memoryLimit: '256MB', tempDir: join(dir.path, 'tmp') }),
      join(dir.path, 'lake'),
    );
  });
  afterEach(() => dir.remove());

  it('writes one sorted zstd file per partition under zero-padded hive paths, readable by hyparquet', async () => {
    const day1 = Date.UTC(2026, 0, 5, 10);
    const day2 = Date.UTC(2026, 1, 9, 23, 59);
    const records = [
      message(1, 'b@group', day1 + 3000),
      message(2, 'a@group', day1 + 2000),
      message(3, 'b@group', day1 + 1000),
      message(4, 'user_z', day2),
    ];
    const staged = records.map((r) => ({
      partition: new Date(r.sentAt).toISOString().slice(0, 10),
      time: r.sentAt,
      record: r,
    }));
    const files = await writer.write('messages', staged);
    expect(files.map((f) => [f.partition, f.rows, f.minTime, f.maxTime])).toEqual([
      ['2026-01-05', 3, day1 + 1000, day1 + 3000],
      ['2026-02-09', 1, day2, day2],
    ]);
    expect(files[0]!.path).toMatch(
      /^messages\/year=2026\/month=01\/day=05\/part-[0-9a-z]+-[0-9a-f]{10}\.parquet$/,
    );
    const path = join(dir.path, 'lake', files[0]!.path);
    expect(await parquetCodecs(path)).toEqual(['ZSTD']);
    const rows = await readParquetRows(path);
    expect(rows.map((r) => [r.conversation_id, r.message_id])).toEqual([
      ['a@group', records[1]!.messageId],
      ['b@group', records[2]!.messageId],
      ['b@group', records[0]!.messageId],
    ]);
    const first = rows[0]!;
    expect(first.text).toBe(records[1]!.text);
    expect(first.raw).toBe(records[1]!.raw);
    expect(first.meta).toBeNull();
    expect(first.is_group).toBe(true);
    expect(new Date(first.sent_at as Date).getTime()).toBe(day1 + 2000);
    expect(rows[1]!.received_at).toBeNull(); // message 3
    expect(new Date(rows[2]!.received_at as Date).getTime()).toBe(day1 + 3005);
    expect(Object.keys(first)).not.toContain('part');
  });

  it('leaves no temp files behind and discards what it is told to', async () => {
    const t = Date.UTC(2026, 0, 5);
    const files = await writer.write('messages', [
      { partition: '2026-01-05', time: t, record: message(1, 'c', t) },
    ]);
    const partitionDir = join(dir.path, 'lake', 'messages/year=2026/month=01/day=05');
    expect(readdirSync(partitionDir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    await writer.discard(files);
    expect(existsSync(join(dir.path, 'lake', files[0]!.path))).toBe(false);
  });

  it('after a failed registration, deletes only the files the catalog does not list, and none when it cannot say', async () => {
    const catalog = await openSqliteCatalog(join(dir.path, 'catalog.sqlite'));
    const at = (day: number) => Date.UTC(2026, 0, day, 12);
    const files = await writer.write(
      'messages',
      [1, 2, 3].map((i) => ({
        partition: `2026-01-0${i}`,
        time: at(i),
        record: message(i, 'user_a', at(i)),
      })),
    );
    const exists = (f: { path: string }) => existsSync(join(dir.path, 'lake', f.path));
    // The first one's registration landed (as a COMMIT whose answer was lost would have).
    await catalog.write((tx) => tx.addDataFiles([{ ...files[0]!, schemaVersion: 1 }], null));
    await writer.discardUnregistered(catalog, files.slice(0, 2));
    expect([exists(files[0]!), exists(files[1]!)]).toEqual([true, false]);
    // A catalog that cannot answer: the file stays, for orphan cleanup to judge later.
    await catalog.close();
    await writer.discardUnregistered(catalog, [files[2]!]);
    expect(exists(files[2]!)).toBe(true);
  });
});
