import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { retryQuarantine } from '../../src/ingest/retry-quarantine.js';
import { lakeRows } from '../support/lake-contents.js';
import { tempDir } from '../support/temp-dir.js';

const line = (id: string, t = 1767225600, content = `hello ${id}`) =>
  `${JSON.stringify({
    guid: 'g-1',
    notify_type: 1010,
    data: {
      from_username: 'wxid_a',
      to_username: 'wxid_bot',
      chatroom: '',
      chatroom_sender: '',
      msg_id: id,
      msg_type: 1,
      create_time: t,
      is_chatroom_msg: 0,
      content,
      desc: '',
      source: 5,
    },
  })}\n`;

describe('ingest sources and checkpoints', () => {
  let dir: ReturnType<typeof tempDir>;
  let lake: Lake;
  beforeEach(async () => {
    dir = tempDir();
    lake = await openLake({ dataDir: join(dir.path, 'data') });
  });
  afterEach(async () => {
    await lake.close();
    dir.remove();
  });
  const ids = async () => (await lakeRows(lake, 'messages')).map((r) => r.message_id).sort();

  it('reads a rotated file (same path, new content) from the start and stores only what is new', async () => {
    const log = join(dir.path, 'w.log');
    writeFileSync(log, line('1000000000000000001') + line('1000000000000000002'));
    await ingest(lake, [log]);
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('1000000000000000002') + line('1000000000000000003'));
    const notices: string[] = [];
    const s = await ingest(lake, [log], { listener: { notice: (n) => notices.push(n.message) } });
    expect(s).toMatchObject({ linesRead: 2, messages: 1, duplicates: 1 });
    expect(notices.join()).toMatch(/from the start/);
    expect(await ids()).toEqual(['1000000000000000001', '1000000000000000002', '1000000000000000003']);
  });

  it('reads a truncated file from the start', async () => {
    const log = join(dir.path, 'w.log');
    writeFileSync(log, line('1000000000000000001') + line('1000000000000000002'));
    await ingest(lake, [log]);
    writeFileSync(log, line('1000000000000000009'));
    const s = await ingest(lake, [log]);
    expect(s).toMatchObject({ linesRead: 1, messages: 1 });
  });

  it("ingests a directory's *.jsonl and *.log files in name order and skips other files", async () => {
    const raw = join(dir.path, 'raw');
    mkdirSync(raw);
    writeFileSync(join(raw, '2026-01-02.jsonl'), line('1000000000000000002', 1767312000));
    writeFileSync(join(raw, '2026-01-01.jsonl'), line('1000000000000000001', 1767225600));
    writeFileSync(join(raw, 'notes.txt'), 'not a log\n');
    const s = await ingest(lake, [raw]);
    expect(s).toMatchObject({ sources: 2, messages: 2, quarantined: 0 });
    const files = await lake.catalog.dataFiles({ dataset: 'messages' });
    expect(files.map((f) => f.partition)).toEqual(['2026-01-01', '2026-01-02']);
  });

  it('ingests stdin ("-"), deduping against what is stored', async () => {
    const log = join(dir.path, 'w.log');
    writeFileSync(log, line('1000000000000000001'));
    await ingest(lake, [log]);
    const input = Readable.from([
      Buffer.from(line('1000000000000000001') + line('1000000000000000002').trimEnd()),
    ]);
    const s = await ingest(lake, ['-'], { stdin: input });
    expect(s).toMatchObject({ linesRead: 2, messages: 1, duplicates: 1 });
  });

  it('partitions by the local day of the configured time zone', async () => {
    await lake.close();
    lake = await openLake({ dataDir: join(dir.path, 'data'), tz: 'Asia/Shanghai' });
    const log = join(dir.path, 'w.log');
    // 2026-01-01T20:00:00Z is 2026-01-02 04:00 in Shanghai.
    writeFileSync(log, line('1000000000000000001', Date.UTC(2026, 0, 1, 20) / 1000));
    await ingest(lake, [log]);
    const [file] = await lake.catalog.dataFiles({ dataset: 'messages' });
    expect(file!.partition).toBe('2026-01-02');
    expect(file!.path).toMatch(/^messages\/year=2026\/month=01\/day=02\//);
  });

  it('keeps ids beyond 2^53 exact and quarantines non-UTF-8 lines with their exact bytes', async () => {
    const log = join(dir.path, 'w.log');
    const bad = Buffer.concat([
      Buffer.from('{"guid":"g","notify_type":1010,"data":{"content":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    writeFileSync(log, Buffer.concat([Buffer.from(line('9223372036854775807')), bad, Buffer.from('\n')]));
    const s = await ingest(lake, [log]);
    expect(s).toMatchObject({ messages: 1, quarantined: 1 });
    expect(await ids()).toEqual(['9223372036854775807']);
    const [q] = await lake.catalog.quarantine({});
    expect(Buffer.from(q!.raw)).toEqual(bad);
    expect(q).toMatchObject({ line: 2, byteOffset: Buffer.byteLength(line('9223372036854775807')) });
    expect(q!.reason).toMatch(/^not_utf8/);
  });

  it('records a new schema version when a payload field appears for the first time; the field stays in raw', async () => {
    const log = join(dir.path, 'w.log');
    writeFileSync(log, line('1000000000000000001'));
    await ingest(lake, [log]);
    const withNew = line('1000000000000000002').replace('"source":5', '"source":5,"brand_new_field":{"x":1}');
    writeFileSync(log, line('1000000000000000001') + withNew);
    await ingest(lake, [log]);
    const versions = await lake.catalog.schemaVersions('messages');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(JSON.parse(versions[0]!.fieldSet)).not.toContain('data.brand_new_field');
    expect(JSON.parse(versions[1]!.fieldSet)).toContain('data.brand_new_field');
    const files = await lake.catalog.dataFiles({ dataset: 'messages' });
    expect(files.map((f) => f.schemaVersion)).toEqual([1, 2]);
    const [stored] = await (await lake.query()).get(['1000000000000000002']);
    expect(stored!.raw).toContain('"brand_new_field":{"x":1}');
    for (const f of files) expect((await lake.catalog.lineage(f.id)).length).toBe(1);
  });

  it('retries quarantine: what decodes now is stored once and resolved; the rest stays open', async () => {
    const log = join(dir.path, 'w.log');
    writeFileSync(log, `${line('1000000000000000001')}{"guid":"g","notify_type":1010}\nnot json\n`);
    await ingest(lake, [log]);
    expect((await lake.catalog.quarantineCounts()).open).toBe(2);
    // A stand-in for "the adapter was fixed": the stored bytes are replaced by a decodable payload.
    // (A batch's entries are numbered in content-hash order, not line order: find line 2's by its line.)
    const first = (await lake.catalog.quarantine({ status: 'open' })).find((e) => e.line === 2);
    await lake.catalog.write(async (tx) => {
      await tx.setQuarantineStatus([first!.id], 'resolved');
      await tx.addQuarantine(
        [
          {
            source: log,
            line: 2,
            byteOffset: 0,
            reason: 'test',
            raw: Buffer.from(line('1000000000000000002').trimEnd()),
          },
        ],
        null,
      );
    });
    const r = await retryQuarantine(lake, 'all');
    expect(r).toMatchObject({ retried: 2, resolved: 1, messages: 1 });
    expect(r.stillFailing.map((f) => f.reason.split(':')[0])).toEqual(['invalid_json']);
    expect(await ids()).toEqual(['1000000000000000001', '1000000000000000002']);
    expect(await lake.catalog.quarantineCounts()).toEqual({ open: 1, retried: 0, resolved: 2, dismissed: 0 });
    expect((await retryQuarantine(lake, 'all')).resolved).toBe(0);
  });

  it('names a file whose every line was quarantined (probably not a log), not one with a bad line appended', async () => {
    const junk = join(dir.path, 'access.log');
    writeFileSync(junk, 'GET / HTTP/1.1 200\n\n<html>502 Bad Gateway</html>\n');
    const good = join(dir.path, 'good.log');
    writeFileSync(good, `${line('8100')}not json\n`);
    const s = await ingest(lake, [junk, good]);
    expect(s).toMatchObject({ messages: 1, quarantined: 3, allQuarantined: [junk] });
    writeFileSync(good, `${line('8100')}not json\nstill not json\n`);
    const again = await ingest(lake, [good]);
    expect(again).toMatchObject({ quarantined: 1, allQuarantined: [] });
  });
});
