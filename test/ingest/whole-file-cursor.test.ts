import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { retryQuarantine } from '../../src/ingest/retry-quarantine.js';
import type { DecodeResult } from '../../src/platforms/platform-adapter.js';
import type { PlatformModule } from '../../src/platforms/platform-module.js';
import { lakeRows } from '../support/lake-contents.js';
import { tempDir } from '../support/temp-dir.js';

/** A toy export format: a whole file is one JSON object {"messages":[{"id","text","at"}]}. */
const toyExport: PlatformModule = {
  name: 'toyexport',
  framing: 'whole',
  decoder: () => ({
    platform: 'toyexport',
    decode(payload, ctx): DecodeResult {
      const list = (payload as { messages?: unknown }).messages;
      if (!Array.isArray(list)) return { ok: false, reason: 'toyexport: no messages' };
      return {
        ok: true,
        records: list.map((m: { id: string; text: string; at: number }) => ({
          dataset: 'messages' as const,
          record: {
            platform: 'toyexport',
            accountId: null,
            conversationId: 'room',
            messageId: m.id,
            senderId: 'u1',
            recipientId: null,
            isGroup: false,
            fromMe: false,
            kind: 'text',
            typeCode: null,
            subtypeCode: null,
            text: m.text,
            content: m.text,
            refMessageId: null,
            meta: null,
            sentAt: m.at,
            receivedAt: ctx.receivedAt ?? ctx.fallbackTime,
            raw: JSON.stringify(m),
          },
        })),
      };
    },
  }),
  sniff: (head) => head.startsWith('{"messages"'),
  identity: 'message: its id in the export',
  // No HTTP receiver: an export arrives as a file; its bytes are read as plain JSON.
};

const exportOf = (...ids: string[]) =>
  JSON.stringify({ messages: ids.map((id) => ({ id, text: `hi ${id}`, at: 1767225600000 })) });

const wechatLine = (id: string) =>
  `${JSON.stringify({
    guid: 'g-1',
    notify_type: 1010,
    data: {
      from_username: 'wxid_a',
      to_username: 'wxid_bot',
      msg_id: id,
      msg_type: 1,
      create_time: 1767225600,
      is_chatroom_msg: 0,
      content: `hello ${id}`,
    },
  })}\n`;

// Issue 13, item 3: each framing resumes by its own cursor; ingest never reads a cursor's fields.
describe('cursors by framing in ingest', () => {
  let dir: ReturnType<typeof tempDir>;
  let lake: Lake;
  beforeEach(async () => {
    dir = tempDir();
    lake = await openLake({ dataDir: join(dir.path, 'data') }, { platforms: [toyExport] });
  });
  afterEach(async () => {
    await lake.close();
    dir.remove();
  });
  const ids = async () => (await lakeRows(lake, 'messages')).map((r) => r.message_id).sort();

  it('reads a whole-framed export file again only when its content changed', async () => {
    const file = join(dir.path, 'export.json');
    writeFileSync(file, exportOf('a', 'b'));
    expect(await ingest(lake, [file], { platform: 'toyexport' })).toMatchObject({
      sources: 1,
      messages: 2,
      quarantined: 0,
    });
    const again = await ingest(lake, [file], { platform: 'toyexport' });
    expect(again).toMatchObject({ sources: 1, bytesRead: 0, messages: 0, duplicates: 0, files: 0 });
    writeFileSync(file, exportOf('a', 'b', 'c'));
    const changed = await ingest(lake, [file], { platform: 'toyexport' });
    expect(changed).toMatchObject({ messages: 1, duplicates: 2, bytesRead: exportOf('a', 'b', 'c').length });
    expect(await ids()).toEqual(['a', 'b', 'c']);
    expect(await ingest(lake, [file], { platform: 'toyexport' })).toMatchObject({
      bytesRead: 0,
      duplicates: 0,
    });
  });

  it('reads a whole-framed export piped to stdin as one payload, as the file would be', async () => {
    // Pretty-printed over many lines and handed over in pieces that cut lines: read by lines, every line would
    // be quarantined.
    const text = JSON.stringify(JSON.parse(exportOf('p', 'q')), null, 2);
    const pieces = [text.slice(0, 7), text.slice(7, 50), text.slice(50)].map((t) => Buffer.from(t));
    const piped = await ingest(lake, ['-'], { platform: 'toyexport', stdin: Readable.from(pieces) });
    expect(piped).toMatchObject({ sources: 1, messages: 2, quarantined: 0 });
    expect(await ids()).toEqual(['p', 'q']);
  });

  it("reads a directory for every file platform's endings, or for the one named, each file by its own framing", async () => {
    const inbox = join(dir.path, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'export.json'), exportOf('x', 'y'));
    writeFileSync(join(inbox, 'today.log'), wechatLine('1000000000000000007'));
    writeFileSync(join(inbox, 'notes.txt'), 'not read');
    const named = await ingest(lake, [inbox], { platform: 'toyexport' });
    expect(named).toMatchObject({ sources: 1, messages: 2, quarantined: 0 });
    // Without --platform: the .json file is sniffed as the export, the .log as WeChat; the .txt is not read.
    const sniffed = await ingest(lake, [inbox]);
    expect(sniffed).toMatchObject({ sources: 2, messages: 1, duplicates: 0, quarantined: 0 });
    expect(await ids()).toEqual(['1000000000000000007', 'x', 'y']);
    const notices: string[] = [];
    mkdirSync(join(dir.path, 'empty'));
    await ingest(lake, [join(dir.path, 'empty')], { listener: { notice: (n) => notices.push(n.message) } });
    expect(notices).toEqual(['no *.jsonl, *.log or *.json file in it: nothing read']);
  });

  it('retries a quarantined export file as the one payload it was, not line by line', async () => {
    const file = join(dir.path, 'broken.json');
    writeFileSync(file, JSON.stringify({ messages: 'none' }, null, 2));
    expect(await ingest(lake, [file], { platform: 'toyexport' })).toMatchObject({ quarantined: 1 });
    const [entry] = await lake.catalog.quarantine({ status: 'open', afterId: 0, limit: 10 });
    expect(entry).toMatchObject({ line: null, reason: 'toyexport: no messages' });
    // Read by lines, its first line "{" would fail as not JSON instead.
    const retried = await retryQuarantine(lake, 'all', 'toyexport');
    expect(retried.stillFailing).toEqual([{ id: entry!.id, reason: 'toyexport: no messages' }]);
  });

  it('reads a log from the start when its stored cursor is garbled, without failing', async () => {
    const log = join(dir.path, 'w.log');
    writeFileSync(log, wechatLine('1000000000000000001') + wechatLine('1000000000000000002'));
    await ingest(lake, [log]);
    const source = await lake.catalog.source(log, 'file', 'wechat');
    await lake.catalog.write((tx) => tx.saveCheckpoint({ sourceId: source.id, cursor: 'garbled{' }));
    const notices: string[] = [];
    const s = await ingest(lake, [log], { listener: { notice: (n) => notices.push(n.message) } });
    expect(s).toMatchObject({ linesRead: 2, messages: 0, duplicates: 2 });
    expect(notices).toEqual([
      'reading from the start because its checkpoint is not a file position; stored records are skipped',
    ]);
    expect(await ingest(lake, [log])).toMatchObject({ linesRead: 0 });
    expect(await ids()).toEqual(['1000000000000000001', '1000000000000000002']);
  });
});
