import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentCursor } from '../../src/platforms/content-cursor.js';
import { decodeFileCursor, encodeFileCursor, fileCursor } from '../../src/platforms/file-cursor.js';
import { FRAMING_CURSORS } from '../../src/platforms/platform-module.js';
import type { FileFacts } from '../../src/platforms/source-cursor.js';
import { syncCursor } from '../../src/platforms/sync-cursor.js';

/** The facts of a file holding `text`, fingerprinted as ingest does (sha1 of the first and last 4 KiB read). */
function facts(text: string, id = '1:2'): FileFacts {
  const bytes = Buffer.from(text);
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
  return {
    size: bytes.length,
    id,
    fingerprint: async (offset) => {
      const span = Math.min(4096, offset);
      return {
        headHash: sha1(bytes.subarray(0, span)),
        tailHash: sha1(bytes.subarray(offset - span, offset)),
      };
    },
  };
}

// Issue 13, item 3: a source's checkpoint is a cursor only its kind reads; the catalog keeps it as text.
describe('source cursors', () => {
  it('gives each framing its cursor kind', () => {
    expect(FRAMING_CURSORS.lines.kind).toBe('file');
    expect(FRAMING_CURSORS.whole.kind).toBe('content');
    expect(FRAMING_CURSORS.batch.kind).toBe('sync');
  });

  it('round-trips a file cursor: saved after a position, it resumes there', async () => {
    const file = facts('line one\nline two\n');
    const cursor = await fileCursor.save({ offset: 9, line: 1 }, file);
    expect(decodeFileCursor(cursor)).toEqual({
      offset: 9,
      line: 1,
      fileSize: 18,
      fileId: '1:2',
      ...(await file.fingerprint(9)),
    });
    const cp = {
      offset: 9_000_000_000,
      line: 4,
      fileSize: 9_000_000_001,
      fileId: null,
      headHash: 'h',
      tailHash: null,
    };
    expect(decodeFileCursor(encodeFileCursor(cp))).toEqual(cp);
    expect(await fileCursor.resume(cursor, file)).toEqual({ offset: 9, line: 1 });
    // The file grew: still after what was read.
    expect(await fileCursor.resume(cursor, facts('line one\nline two\nline three\n'))).toEqual({
      offset: 9,
      line: 1,
    });
  });

  it('starts a file over when it is shorter or its content changed, and without a cursor or at 0', async () => {
    const cursor = await fileCursor.save({ offset: 18, line: 2 }, facts('line one\nline two\n'));
    expect(await fileCursor.resume(cursor, facts('line one\n'))).toEqual({
      offset: 0,
      line: 0,
      restart: 'it is shorter (9 bytes) than what was read (18)',
    });
    expect(await fileCursor.resume(cursor, facts('LINE ONE\nline two\nline three\n'))).toEqual({
      offset: 0,
      line: 0,
      restart: 'its content changed (rotated or rewritten)',
    });
    expect(await fileCursor.resume(null, facts('x\n'))).toEqual({ offset: 0, line: 0 });
    const atStart = await fileCursor.save({ offset: 0, line: 0 }, facts('x\n'));
    expect(await fileCursor.resume(atStart, facts('y\n'))).toEqual({ offset: 0, line: 0 });
  });

  it('starts over on a garbled file cursor instead of failing', async () => {
    const file = facts('line one\n');
    const garbled = [
      '',
      'not json',
      'null',
      '[]',
      '{"offset":-1,"line":0,"fileSize":0,"fileId":null,"headHash":null,"tailHash":null}',
      '{"offset":1.5,"line":0,"fileSize":0,"fileId":null,"headHash":null,"tailHash":null}',
      '{"offset":5,"line":1,"fileSize":9,"fileId":7,"headHash":null,"tailHash":null}',
      '{"offset":5}',
      contentCursor.save('abc'),
    ];
    for (const cursor of garbled) {
      expect(decodeFileCursor(cursor), cursor).toBeNull();
      expect(await fileCursor.resume(cursor, file), cursor).toEqual({
        offset: 0,
        line: 0,
        restart: 'its checkpoint is not a file position',
      });
    }
  });

  it('round-trips a content cursor: the same content is unchanged, other content or a garbled cursor is not', () => {
    const cursor = contentCursor.save('a1b2');
    expect(contentCursor.unchanged(cursor, 'a1b2')).toBe(true);
    expect(contentCursor.unchanged(cursor, 'ffff')).toBe(false);
    expect(contentCursor.unchanged(null, 'a1b2')).toBe(false);
    for (const garbled of [
      '',
      'a1b2',
      '{"contentHash":""}',
      '{"contentHash":1}',
      'null',
      encodeFileCursor({
        offset: 1,
        line: 1,
        fileSize: 1,
        fileId: null,
        headHash: 'a1b2',
        tailHash: 'a1b2',
      }),
    ])
      expect(contentCursor.unchanged(garbled, 'a1b2'), garbled).toBe(false);
  });

  it('keeps a sync cursor as the module gave it', () => {
    expect(syncCursor.resume(syncCursor.save('token:42/next'))).toBe('token:42/next');
    expect(syncCursor.resume(null)).toBeNull();
    expect(syncCursor.resume('')).toBeNull();
  });
});
