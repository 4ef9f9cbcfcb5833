import type { Catalog } from '../catalog/catalog.js';
import type { Message } from '../core/message.js';
import { selectColumns } from './dataset-columns.js';
import { hotMessageRow } from './hot-message-row.js';
import { compareKeys, type Keyset, rowKeyset } from './keyset-page.js';
import type { MessageQuery, QueryRow } from './message-query.js';
import { hotFilter } from './query-plan.js';
import {
  below,
  type Sources,
  sameSources,
  startBound,
  WINDOW_ROWS,
  WINDOW_ROWS_KEPT,
  WINDOWS_PER_QUERY,
  type Window,
} from './read-window.js';
import type { RowMarks } from './row-marks.js';

/**
 * Runs of one conversation's messages read ahead of a page, newest first, per conversation-level query
 * (least recently used first): a later page whose rows lie inside a run (the same page again, or the next
 * ones by cursor) is cut from it without a scan, as long as the files, the run's hot rows and the
 * revocations are unchanged. A page of 50 scans the same row groups whether it keeps 50 rows or 500.
 */
export class ReadWindows {
  private readonly windows = new Map<string, Window[]>();
  /** The read of a conversation's next window, started in the background while a page is served from the
   * end of the current one: a reader scrolling on finds it read, or waits for it rather than reading twice. */
  private readonly prefetches = new Map<string, Promise<void>>();

  constructor(
    private readonly catalog: Catalog,
    private readonly marks: RowMarks,
    /** Reads `q` (limited to WINDOW_ROWS) and keeps it as a window under `key`. */
    private readonly readWindow: (q: MessageQuery, key: string) => Promise<void>,
  ) {}

  /** The page cut from the windows of `key`, or null (waiting for a read ahead of it when one runs). */
  async page(key: string, q: MessageQuery, limit: number, keyset: Keyset | undefined) {
    const cached = async () =>
      (await this.fromWindows(key, q, limit, keyset)) ?? (await this.extendNewest(key, q, limit, keyset));
    const cut = await cached();
    // A miss while the next window is being read ahead: wait for that read rather than read the same rows.
    const ahead = this.prefetches.get(key);
    if (cut || !ahead) return cut;
    await ahead;
    return cached();
  }

  /** The page's rows cut from a window that holds them all and is still current, or null. */
  private async fromWindows(
    key: string,
    q: MessageQuery,
    limit: number,
    keyset: Keyset | undefined,
  ): Promise<QueryRow[] | null> {
    const start = startBound(q.to, keyset);
    for (const w of this.windows.get(key) ?? []) {
      if (!below(start, w.start)) continue;
      const at = start === null ? 0 : w.rows.findIndex((r) => compareKeys(rowKeyset(r), start) < 0);
      const from = at === -1 ? w.rows.length : at;
      if (from + limit > w.rows.length && !w.complete) continue;
      if (!sameSources(w.readFrom, await this.currentSources({ ...q, to: w.to }))) {
        this.drop(key, w);
        continue;
      }
      this.keep(key, w);
      // A reader paging on by cursor, at this window's third page or two pages before its end: read the next
      // window ahead, from two pages before this one's end (so that every page lies wholly in one of them).
      if (keyset && !w.complete && !w.readAhead && (from >= 2 * limit || from + 3 * limit > w.rows.length)) {
        w.readAhead = true;
        const tail = Math.max(from, w.rows.length - 2 * limit);
        const after = tail === from ? keyset : rowKeyset(w.rows[tail - 1]!);
        this.prefetch(key, {
          ...q,
          cursor: undefined,
          keyset: after,
          to: q.to === undefined ? undefined : Math.min(q.to, after[0] + 1),
        });
      }
      return w.rows.slice(from, from + limit);
    }
    return null;
  }

  /** Reads the window that starts where `q` starts, in the background (once per conversation query at a time). */
  private prefetch(key: string, q: MessageQuery): void {
    if (this.prefetches.has(key)) return;
    const read = this.readWindow({ ...q, limit: WINDOW_ROWS }, key)
      // A failed read ahead loses nothing: the next page reads for itself.
      .catch(() => {})
      .finally(() => this.prefetches.delete(key));
    this.prefetches.set(key, read);
  }

  /** Settles once no read ahead is running (before DuckDB and the catalog close). */
  async idle(): Promise<void> {
    while (this.prefetches.size > 0) await Promise.all(this.prefetches.values());
  }

  keep(key: string, w: Window): void {
    const list = [w, ...(this.windows.get(key) ?? []).filter((x) => x !== w)].slice(0, WINDOWS_PER_QUERY);
    this.windows.delete(key);
    this.windows.set(key, list);
    // Memory stays bounded by rows kept, whatever the page sizes: the least recently used queries go first.
    let rows = 0;
    for (const windows of this.windows.values()) for (const x of windows) rows += x.rows.length;
    for (const [oldest, windows] of this.windows) {
      if (rows <= WINDOW_ROWS_KEPT || oldest === key) break;
      for (const x of windows) rows -= x.rows.length;
      this.windows.delete(oldest);
    }
  }

  private drop(key: string, w: Window): void {
    const list = (this.windows.get(key) ?? []).filter((x) => x !== w);
    if (list.length) this.windows.set(key, list);
    else this.windows.delete(key);
  }

  /** What a window of `q` would be read from now (null while the files are changing). */
  private async currentSources(q: MessageQuery): Promise<Sources | null> {
    const dataset = q.dataset ?? 'messages';
    const files = await this.catalog.dataFilesVersion(dataset);
    const hot = await this.catalog.hotSummary(hotFilter(q));
    const revocations = await this.catalog.revocationCount();
    const changes = await this.catalog.messageChangeCount();
    if ((await this.catalog.dataFilesVersion(dataset)) !== files) return null;
    return { files, hotRows: hot.rows, hotLastId: hot.lastId ?? 0, revocations, changes };
  }

  /**
   * Whether the conversation had no message at or after `q.to` (its catalog row's last time, which only grows
   * and leaves status syncs out, read after the rows were): then a window of a read without status syncs up
   * to `q.to` holds its newest rows, and what comes later arrives in the hot tier (or in new files, which
   * change the files version).
   */
  async nothingSince(q: MessageQuery): Promise<boolean> {
    // The conversation's last time leaves status syncs out: so must the read.
    if (q.to === undefined || !q.platform || !q.conversation || !q.withoutStatus) return false;
    const c = await this.catalog.conversation(q.platform, q.conversation);
    return c !== null && c.lastAt < q.to;
  }

  /**
   * The newest page of a conversation when the newest window is still current and all that came since are hot
   * rows (the usual case in a live chat: a message arrived): those rows read from the catalog on top of the
   * window, which becomes the new newest window. Null when that does not apply; the page then reads as usual.
   */
  private async extendNewest(
    key: string,
    q: MessageQuery,
    limit: number,
    keyset: Keyset | undefined,
  ): Promise<QueryRow[] | null> {
    if (q.to === undefined || keyset || q.sender || q.type || q.text || !q.platform || !q.conversation)
      return null;
    const w = (this.windows.get(key) ?? []).find((x) => x.newest && x.to !== undefined && x.to < q.to!);
    if (!w || w.to === undefined) return null;
    const files = w.readFrom.files;
    if (!sameSources(w.readFrom, await this.currentSources({ ...q, to: w.to }))) return null;
    const fresh = await this.catalog.hotRecords({
      dataset: 'messages',
      platform: q.platform,
      conversationId: q.conversation,
      fromTime: Math.max(w.to, q.from ?? w.to),
      toTime: q.to - 1,
      order: 'id',
      limit: WINDOW_ROWS + 1,
    });
    // A compaction in between moved hot rows into files: read as usual.
    if (fresh.length > WINDOW_ROWS || (await this.catalog.dataFilesVersion('messages')) !== files)
      return null;
    const columns = selectColumns('messages', q.columns, q.includeDeleted);
    const rows = fresh
      .map((r) =>
        hotMessageRow(JSON.parse(r.record) as Message, [...columns, 'platform', 'message_id', 'kind']),
      )
      .filter((r) => !q.withoutStatus || r.kind !== 'status')
      .sort((a, b) => compareKeys(rowKeyset(b), rowKeyset(a)));
    const added = await this.marks.finishRows(
      await this.marks.applyStates(rows, q.includeDeleted === true),
      columns,
    );
    // The newest WINDOW_ROWS rows stay (a prefix of the result, like any window).
    const kept = [...added, ...w.rows].slice(0, WINDOW_ROWS);
    // A window read for a shorter page may not hold this one: read it as usual (or the page would end early).
    if (kept.length < limit && !w.complete) return null;
    const extended: Window = {
      readFrom: {
        ...w.readFrom,
        hotRows: w.readFrom.hotRows + fresh.length,
        hotLastId: fresh.reduce((max, r) => Math.max(max, r.id), w.readFrom.hotLastId),
      },
      newest: await this.nothingSince(q),
      to: q.to,
      start: startBound(q.to, undefined),
      rows: kept,
      complete: w.complete && kept.length === added.length + w.rows.length,
    };
    this.drop(key, w);
    this.keep(key, extended);
    return extended.rows.slice(0, limit);
  }
}
