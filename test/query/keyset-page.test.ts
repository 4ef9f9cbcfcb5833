import { describe, expect, it } from 'vitest';
import { ChatlakeError } from '../../src/core/errors.js';
import { CursorCodec } from '../../src/query/cursor-codec.js';
import { type Keyset, KeysetCursors } from '../../src/query/keyset-page.js';

const codec = new CursorCodec(Buffer.alloc(32, 7));
const key = (n: number): Keyset => [n, `id${n}`];

describe('KeysetCursors (the one keyset paging)', () => {
  it('keeps limit rows of limit + 1 and continues after the last one kept', () => {
    const cursors = new KeysetCursors(codec, 'q1');
    const page = cursors.page([1, 2, 3, 4], 3, key);
    expect(page.rows).toEqual([1, 2, 3]);
    expect(page.cursor).not.toBeNull();
    expect(cursors.after(page.cursor!)).toEqual([3, 'id3']);
  });

  it('has no cursor on the last page, and no key without a cursor', () => {
    const cursors = new KeysetCursors(codec, 'q1');
    expect(cursors.page([1, 2], 3, key)).toEqual({ rows: [1, 2], cursor: null });
    expect(cursors.page([], 0, key)).toEqual({ rows: [], cursor: null });
    expect(cursors.after(undefined)).toBeUndefined();
  });

  it('refuses a cursor of another query, or an altered one', () => {
    const cursor = new KeysetCursors(codec, 'q1').page([1, 2], 1, key).cursor!;
    expect(() => new KeysetCursors(codec, 'q2').after(cursor)).toThrow(ChatlakeError);
    expect(() => new KeysetCursors(codec, 'q2').after(cursor)).toThrow(/different query/);
    expect(() => new KeysetCursors(codec, 'q1').after(`${cursor}x`)).toThrow(/not one chatlake issued/);
  });
});
