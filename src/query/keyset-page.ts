import { createHash } from 'node:crypto';
import type { CursorCodec } from './cursor-codec.js';
import { SORT_KEY } from './dataset-columns.js';
import type { MessageQuery } from './message-query.js';

/** A row's place in a keyset order: [time in epoch ms (or a number id), id]; ties on the first go by the second. */
export type Keyset = [number, string];

export const compareKeys = (a: Keyset, b: Keyset): number =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** A row's sort key by its time and id columns (default: a message's `sent_at`, `message_id`). */
export const rowKeyset = (
  row: Record<string, unknown>,
  key: { time: string; id: string } = SORT_KEY.messages,
): Keyset => [(row[key.time] as Date).getTime(), String(row[key.id])];

export interface KeysetPage<R> {
  rows: R[];
  /** Pass back to get the next page; null when this page is the last. */
  cursor: string | null;
}

/**
 * Keyset paging with signed cursors, the one implementation behind every paged read (query pages, a
 * conversation's messages, the conversations, the audit log): a cursor holds the sort key of its page's last
 * row, bound to a digest of the query that made it, so it only continues that query.
 */
export class KeysetCursors {
  constructor(
    private readonly codec: CursorCodec,
    private readonly digest: string,
  ) {}

  /** The key a page continues after: its cursor's (refused when foreign or altered); none without a cursor. */
  after(cursor: string | undefined): Keyset | undefined {
    return cursor === undefined ? undefined : this.codec.decode(cursor, this.digest).after;
  }

  /** The first `limit` of the rows read (read `limit + 1`: one more says a next page exists) and its cursor. */
  page<R>(rows: readonly R[], limit: number, keyOf: (row: R) => Keyset): KeysetPage<R> {
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : [...rows];
    const last = kept.at(-1);
    const cursor =
      more && last !== undefined ? this.codec.encode({ after: keyOf(last), query: this.digest }) : null;
    return { rows: kept, cursor };
  }
}

/** What identifies a query for its cursors: everything but the cursor, limit and columns. */
function queryDigest(q: MessageQuery): string {
  const { cursor, keyset, limit, columns, ...filters } = q;
  return createHash('sha256')
    .update(JSON.stringify(filters, Object.keys(filters).sort()))
    .digest('base64url')
    .slice(0, 22);
}

/** The cursors of a query's pages. */
export const queryCursors = (codec: CursorCodec, q: MessageQuery): KeysetCursors =>
  new KeysetCursors(codec, queryDigest(q));

/** The key a query continues after: its own `keyset`, or its cursor's. */
export const queryKeyset = (codec: CursorCodec, q: MessageQuery): Keyset | undefined =>
  q.keyset ?? queryCursors(codec, q).after(q.cursor || undefined);
