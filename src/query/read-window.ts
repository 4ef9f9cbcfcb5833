import { compareKeys, type Keyset } from './keyset-page.js';
import type { MessageQuery, QueryRow } from './message-query.js';

/** The rows a read ahead keeps (a prefix of its result), and the longest page cut from windows. */
export const WINDOW_ROWS = 500;
export const WINDOWS_PER_QUERY = 8;
/** ≈ 50–100 MB of rows at a few hundred bytes to a few KB each (the page cache before held up to 26k). */
export const WINDOW_ROWS_KEPT = 50_000;

/**
 * What a window was read from: the dataset's files, its hot rows (how many, and the newest id: ids only
 * grow), the revocations and the message changes (both only ever added). Any change makes the next page read again.
 */
export interface Sources {
  files: string;
  hotRows: number;
  hotLastId: number;
  revocations: number;
  /** Message changes (edits, deletes, restores: only ever added). */
  changes: number;
}

export const sameSources = (a: Sources, b: Sources | null): boolean =>
  b !== null &&
  a.files === b.files &&
  a.hotRows === b.hotRows &&
  a.hotLastId === b.hotLastId &&
  a.revocations === b.revocations &&
  a.changes === b.changes;

/** A run of a conversation's messages read ahead: every matching row below `start`, newest first. */
export interface Window {
  readFrom: Sources;
  /** Nothing of the conversation was newer than `to` when it was read (nothingSince). */
  newest: boolean;
  /** The `to` of the read (its hot rows are the ones before it). */
  to: number | undefined;
  start: Bound;
  rows: QueryRow[];
  /** The rows reach the end of the result (nothing older matches). */
  complete: boolean;
  /** The next window's read was started from this one. */
  readAhead?: boolean;
}

/** An exclusive upper bound on (time, id) in newest-first order; null: no bound. */
type Bound = Keyset | null;

/**
 * Where a newest-first read starts: below both its `to` (rows before that time: (to, "") is above every id
 * of an earlier millisecond) and its keyset.
 */
export function startBound(to: number | undefined, keyset: Keyset | undefined): Bound {
  let bound: Bound = to === undefined ? null : [to, ''];
  if (keyset && (bound === null || compareKeys(keyset, bound) < 0)) bound = keyset;
  return bound;
}

/** Whether a read starting at `a` starts at or below `b`. */
export const below = (a: Bound, b: Bound): boolean => b === null || (a !== null && compareKeys(a, b) <= 0);

/**
 * The window cache key of a newest-first limited read of one conversation's messages that returns its sort
 * columns (null for any other read): every field but those saying where the page starts and how long it is.
 */
export function windowKey(q: MessageQuery): string | null {
  if ((q.dataset ?? 'messages') !== 'messages' || q.limit === undefined || q.limit > WINDOW_ROWS) return null;
  if (!q.platform || !q.conversation || q.order !== 'desc') return null;
  if (q.columns && !(q.columns.includes('sent_at') && q.columns.includes('message_id'))) return null;
  return JSON.stringify(WINDOW_KEY_FIELDS.map((field) => q[field]));
}

/**
 * Every field of a query but its dataset (always messages here) and where the page starts and ends. A
 * Record, so that a field added to MessageQuery and not here fails to compile (windows would mix up).
 */
const WINDOW_KEY_FIELDS = Object.keys({
  platform: true,
  conversation: true,
  from: true,
  sender: true,
  type: true,
  text: true,
  withoutStatus: true,
  includeDeleted: true,
  columns: true,
  order: true,
} satisfies Record<
  Exclude<keyof MessageQuery, 'dataset' | 'to' | 'limit' | 'cursor' | 'keyset'>,
  true
>) as (keyof MessageQuery)[];
