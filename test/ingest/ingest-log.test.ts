import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendWechatLog, generateWechatLog, type WechatLogExpected } from '../../bench/data/wechat-log.js';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { lakeRows } from '../support/lake-contents.js';
import { tempDir } from '../support/temp-dir.js';

describe('ingest of a 23,210-message WeChat log (contacts, re-deliveries, malformed lines, int sources, unknown fields)', () => {
  const dir = tempDir();
  const log = join(dir.path, 'wechat_webhook.log');
  let expected: WechatLogExpected;
  let lake: Lake;

  beforeAll(async () => {
    expected = await generateWechatLog({ messages: 23_210, shape: 'mixed', seed: 7 }, log);
    lake = await openLake({ dataDir: join(dir.path, 'data'), batchBytes: 2 * 1024 * 1024 });
  }, 120_000);
  afterAll(async () => {
    await lake.close();
    dir.remove();
  });

  it('stores every message and contact once and quarantines every malformed line, counts exact', async () => {
    const s = await ingest(lake, [log]);
    expect(s).toMatchObject({
      linesRead: expected.lines,
      blankLines: expected.blankLines,
      bytesRead: expected.bytes,
      messages: expected.messages,
      contacts: expected.contacts,
      events: expected.events,
      duplicates: expected.duplicates,
      quarantined: expected.malformed,
    });
    expect(expected.messages).toBe(23_210);
    expect(expected.duplicates).toBeGreaterThan(600);
    expect(expected.malformed).toBeGreaterThan(100);
  }, 120_000);

  it('has exactly the generated message ids in the Parquet files, each once, in the partition of its UTC day', async () => {
    const rows = await lakeRows(lake, 'messages');
    const ids = rows.map((r) => r.message_id as string);
    expect(ids.length).toBe(expected.messages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected.messageIds));
    for (const r of rows) expect((r.sent_at as Date).toISOString().slice(0, 10)).toBe(r.$partition);
    const perDay: Record<string, number> = {};
    for (const p of await lake.catalog.partitions('messages')) perDay[p.partition] = p.rows;
    expect(perDay).toEqual(expected.messagesByDay);
  }, 120_000);

  it('keeps every malformed line in quarantine with its raw bytes, source and line number', async () => {
    const entries = await lake.catalog.quarantine({ limit: 10_000 });
    // One entry per distinct payload (the log repeats some bad lines), seen as often as it was read.
    expect(entries.reduce((n, e) => n + e.seen, 0)).toBe(expected.malformed);
    expect(new Set(entries.map((e) => e.contentHash)).size).toBe(entries.length);
    const lines = readFileSync(log).toString('latin1').split('\n');
    for (const e of entries) {
      expect(e.source).toBe(log);
      expect(Buffer.from(e.raw).toString('latin1')).toBe(lines[e.line! - 1]!.replace(/\r$/, ''));
      expect(e.reason).toMatch(/^[a-z_]+/);
    }
    expect(new Set(entries.map((e) => e.reason.split(':')[0])).size).toBeGreaterThanOrEqual(6);
  });

  it('stores contact history in the lake and current contacts in the catalog', async () => {
    expect((await lakeRows(lake, 'contacts')).length).toBe(expected.contacts);
    const current = await lake.catalog.contacts();
    expect(current.length).toBeGreaterThan(0);
    expect(current.length).toBeLessThanOrEqual(expected.contacts);
  });

  it('reads nothing new when run again', async () => {
    const s = await ingest(lake, [log]);
    expect(s).toMatchObject({
      linesRead: 0,
      bytesRead: 0,
      messages: 0,
      duplicates: 0,
      quarantined: 0,
      files: 0,
    });
  });

  it('ingests only appended lines, and a half-written last line waits for its newline', async () => {
    const more = await appendWechatLog(
      { messages: 500, startIndex: expected.nextIndex, shape: 'raw', seed: 8, malformedRate: 0 },
      log,
    );
    appendFileSync(log, '{"guid":"g","notify_type":1010,"data":{"msg_id":"12');
    let s = await ingest(lake, [log]);
    expect(s).toMatchObject({
      linesRead: more.lines,
      messages: more.messages,
      duplicates: more.duplicates,
      quarantined: 0,
    });
    appendFileSync(
      log,
      '34","create_time":1767225600,"from_username":"wxid_a","to_username":"wxid_b","msg_type":1,"content":"late"}}\n',
    );
    s = await ingest(lake, [log]);
    expect(s).toMatchObject({ linesRead: 1, messages: 1, quarantined: 0 });
    const partitions = await lake.catalog.partitions('messages');
    expect(partitions.reduce((n, p) => n + p.rows, 0)).toBe(expected.messages + more.messages + 1);
  }, 120_000);

  it('records the run as a task with data-quality metrics', async () => {
    const [first] = (await lake.catalog.tasks(100, 'ingest')).slice(-1);
    expect(first).toMatchObject({ status: 'succeeded', counts: { messages: expected.messages } });
    const metrics = Object.fromEntries(
      (await lake.catalog.qualityMetrics(first!.id)).map((m) => [m.metric, m]),
    );
    expect(metrics.malformed_rate!.numerator).toBe(expected.malformed);
    expect(metrics.duplicate_rate!.numerator).toBe(expected.duplicates);
    expect(metrics.duplicate_rate!.value).toBeCloseTo(
      expected.duplicates / (expected.messages + expected.contacts + expected.events + expected.duplicates),
      6,
    );
  });
});
