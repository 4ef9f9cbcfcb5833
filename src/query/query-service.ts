import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import {
  BOOLEAN,
  type DuckDBConnection,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import type { Catalog, DataFileRow } from '../catalog/catalog.js';
import type { HotFilter, HotRecordRow } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import { MESSAGE_KINDS, type Message } from '../core/message.js';
import { appendColumns, siblingConnection, sqlString } from '../lake/duckdb-engine.js';
import { LAKE_DATASETS } from '../lake/lake-columns.js';
import { LakeWriter } from '../lake/lake-writer.js';
import { catalogSnapshot } from './catalog-snapshot.js';
import type { CursorCodec } from './cursor-codec.js';
import { hotMessageRow } from './hot-message-row.js';
import type { MessageQuery, QueryRow } from './message-query.js';
import { messageStates, stateKey } from './message-state.js';
import { ID_PLATFORMS, resolvePlatformIds, splitPlatformId } from './platform-id.js';

const SHAPE: Record<Dataset, { time: string; id: string }> = {
  messages: { time: 'sent_at', id: 'message_id' },
  contacts: { time: 'observed_at', id: 'record_key' },
  events: { time: 'observed_at', id: 'record_key' },
};

interface Plan {
  sql: string;
  params: (string | number | bigint)[];
}

/** Where rows come from: a registered Parquet file, or the hot tier's matching rows in a temp table. */
type Source = { minTime: number; maxTime: number } & ({ path: string } | { table: string });

export interface Page {
  rows: QueryRow[];
  /** Pass back to get the next page; null when this page is the last. */
  cursor: string | null;
}

/**
 * Reads the lake. Plans from the catalog (only the files of partitions in range, as an explicit list),
 * lets DuckDB push projection and filters into the Parquet scan, and streams results in batches.
 */
export class QueryService {
  private revocationsVersion = -1;
  private revocationsLoad: Promise<void> = Promise.resolve();
  private statesVersion = -1;
  private statesLoad: Promise<void> = Promise.resolve();
  private hotTables = 0;
  /**
   * Runs of one conversation's messages read ahead of a page, newest first, per conversation-level query
   * (least recently used first): a later page whose rows lie inside a run (the same page again, or the next
   * ones by cursor) is cut from it without a scan, as long as the files, the run's hot rows and the
   * revocations are unchanged. A page of 50 scans the same row groups whether it keeps 50 rows or 500.
   */
  private readonly windows = new Map<string, Window[]>();
  /** The read of a conversation's next window, started in the background while a page is served from the
   * end of the current one: a reader scrolling on finds it read, or waits for it rather than reading twice. */
  private readonly prefetches = new Map<string, Promise<void>>();
  /** DuckDB scans run, and limited reads answered from a window instead: for metrics. */
  readonly counters = { scans: 0, windowHits: 0 };

  constructor(
    private readonly duck: DuckDBConnection,
    private readonly catalog: Catalog,
    private readonly lakeDir: string,
    private readonly zone: LocalDay,
    private readonly cursors: CursorCodec,
  ) {}

  /** The codec of this data directory's cursors (the HTTP API signs its own page cursors with it). */
  get cursorCodec(): CursorCodec {
    return this.cursors;
  }

  /** Every matching row of the lake and the hot tier, in batches, in constant memory. */
  rows(q: MessageQuery): AsyncGenerator<QueryRow[]> {
    return this.rowsOf(resolvePlatformIds(q));
  }

  private async *rowsOf(q: MessageQuery): AsyncGenerator<QueryRow[]> {
    const window = windowKey(q);
    if (window && q.limit !== undefined) {
      const limit = q.limit;
      const cached = async () =>
        (await this.fromWindows(window, q, limit)) ?? (await this.extendNewest(window, q, limit));
      let cut = await cached();
      // A miss while the next window is being read ahead: wait for that read rather than read the same rows.
      const ahead = this.prefetches.get(window);
      if (!cut && ahead) {
        await ahead;
        cut = await cached();
      }
      if (cut) {
        this.counters.windowHits++;
        yield cut;
        return;
      }
    }
    for (let attempt = 1; ; attempt++) {
      let yielded = false;
      try {
        for await (const batch of this.read(q, window)) {
          yielded = true;
          yield batch;
        }
        return;
      } catch (error) {
        if (yielded || attempt === VANISHED_ATTEMPTS || !this.vanished(error))
          throw await this.missing(error);
      }
    }
  }

  /** `read` again when a file it listed vanished meanwhile (see `vanished`). */
  private async retryVanished<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (attempt === VANISHED_ATTEMPTS || !this.vanished(error)) throw await this.missing(error);
      }
    }
  }

  /**
   * A read that still finds a listed file gone after listing the files again, and the catalog still registers
   * it: the file is missing from the lake (deleted, or lost with a disk). Said as such, naming the file and
   * the repair; any other error is returned as it is.
   */
  private async missing(error: unknown): Promise<unknown> {
    if (!this.vanished(error)) return error;
    const path = /"([^"]+)"/.exec((error as Error).message)?.[1];
    if (!path) return error;
    const registered = (await this.catalog.dataFiles()).some((f) => join(this.lakeDir, f.path) === path);
    if (!registered) return error;
    const name = relative(this.lakeDir, path);
    return new ChatlakeError(
      'integrity',
      `lake file ${name} is missing: the catalog lists it but it is not in ${this.lakeDir}`,
      'run chatlake validate --repair, then ingest the source again',
    );
  }

  /**
   * Whether a read failed because a lake file it listed was deleted before DuckDB opened it: another process
   * merged it away meanwhile (`chatlake compact` deletes what it replaced at once; the service keeps them 10
   * minutes). Listing the files again finds the file that replaced it.
   */
  private vanished(error: unknown): boolean {
    return (
      error instanceof Error &&
      error.message.includes(this.lakeDir) &&
      /No files found that match the pattern|Cannot open file[^\n]*No such file/.test(error.message)
    );
  }

  /** The rows from DuckDB; a read with a window key keeps what it read as a window. */
  private async *read(q: MessageQuery, window: string | null): AsyncGenerator<QueryRow[]> {
    const dataset = q.dataset ?? 'messages';
    const keyset = this.keyset(q);
    const { files, hot, filesVersion } = await catalogSnapshot(this.catalog, dataset, hotFilter(q), () =>
      this.files(q),
    );
    const readFrom: Sources | null = window
      ? {
          files: filesVersion,
          hotRows: hot.length,
          hotLastId: hot.reduce((max, r) => Math.max(max, r.id), 0),
          revocations: await this.catalog.revocationCount(),
          changes: await this.catalog.messageChangeCount(),
        }
      : null;
    const duck = await siblingConnection(this.duck);
    try {
      const sources = await this.withHot(duck, dataset, files, hot);
      if (q.limit === undefined) {
        if (sources.length > 0) yield* this.stream(duck, await this.statement(duck, q, sources));
        return;
      }
      // A limited read walks time-disjoint groups of sources in the query's order (1, 2, 4, … at a time) and
      // stops once it has enough rows: a page of a long history reads the files of a day or two, not all.
      // Read ahead for a window, each group gives up to WINDOW_ROWS rows: a prefix of the whole result.
      const columns = selectColumns(dataset, q.columns, q.includeDeleted);
      const marks = dataset === 'messages' && columns.includes('revoked');
      let need = Math.max(0, Math.floor(q.limit));
      let take = window ? Math.max(need, WINDOW_ROWS) : need;
      const read: QueryRow[] = [];
      const runs = timeDisjointRuns(sources, q.order === 'desc');
      // Complete: every group was read and the last one gave fewer rows than asked (nothing older is left).
      let complete = true;
      for (const group of growing(runs, await this.firstRuns(q, runs, need))) {
        if (need <= 0) {
          complete = false;
          break;
        }
        const plan = await this.statement(duck, { ...q, limit: take }, group);
        for await (const rows of this.stream(duck, plan)) {
          const batch = marks ? await this.finishRows(rows, columns) : rows;
          need -= batch.length;
          take -= batch.length;
          if (window) read.push(...batch);
          else yield batch;
        }
      }
      if (!window || !readFrom) return;
      this.keepWindow(window, {
        readFrom,
        newest: !keyset && (await this.nothingSince(q)),
        to: q.to,
        start: startBound(q.to, keyset),
        rows: read,
        complete: complete && take > 0,
      });
      yield read.slice(0, q.limit);
    } finally {
      duck.closeSync();
    }
  }

  /** The page's rows cut from a window that holds them all and is still current, or null. */
  private async fromWindows(key: string, q: MessageQuery, limit: number): Promise<QueryRow[] | null> {
    const keyset = this.keyset(q);
    const start = startBound(q.to, keyset);
    for (const w of this.windows.get(key) ?? []) {
      if (!below(start, w.start)) continue;
      const at = start === null ? 0 : w.rows.findIndex((r) => compareKeys(rowKey(r), start) < 0);
      const from = at === -1 ? w.rows.length : at;
      if (from + limit > w.rows.length && !w.complete) continue;
      if (!sameSources(w.readFrom, await this.currentSources({ ...q, to: w.to }))) {
        this.dropWindow(key, w);
        continue;
      }
      this.keepWindow(key, w);
      // A reader paging on by cursor, at this window's third page or two pages before its end: read the next
      // window ahead, from two pages before this one's end (so that every page lies wholly in one of them).
      if (keyset && !w.complete && !w.readAhead && (from >= 2 * limit || from + 3 * limit > w.rows.length)) {
        w.readAhead = true;
        const tail = Math.max(from, w.rows.length - 2 * limit);
        const after = tail === from ? keyset : rowKey(w.rows[tail - 1]!);
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
    const read = (async () => {
      for await (const _ of this.read({ ...q, limit: WINDOW_ROWS }, key)) {
      }
    })()
      // A failed read ahead loses nothing: the next page reads for itself.
      .catch(() => {})
      .finally(() => this.prefetches.delete(key));
    this.prefetches.set(key, read);
  }

  /** Settles once no read ahead is running (before DuckDB and the catalog close). */
  async idle(): Promise<void> {
    while (this.prefetches.size > 0) await Promise.all(this.prefetches.values());
  }

  private keepWindow(key: string, w: Window): void {
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

  private dropWindow(key: string, w: Window): void {
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
  private async nothingSince(q: MessageQuery): Promise<boolean> {
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
  private async extendNewest(key: string, q: MessageQuery, limit: number): Promise<QueryRow[] | null> {
    if (
      q.to === undefined ||
      this.keyset(q) ||
      q.sender ||
      q.type ||
      q.text ||
      !q.platform ||
      !q.conversation
    )
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
      .sort((a, b) => compareKeys(rowKey(b), rowKey(a)));
    const added = await this.finishRows(await this.applyStates(rows, q.includeDeleted === true), columns);
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
    this.dropWindow(key, w);
    this.keepWindow(key, extended);
    return extended.rows.slice(0, limit);
  }

  /**
   * How many runs the first group of a limited read takes. After a cursor the first run is mostly read
   * already (it ends the previous page): two. For one conversation, enough runs to hold the limit if its
   * messages (the catalog's count, first and last time) are spread evenly: a quiet chat's page is one scan
   * of the days it needs rather than 1, 2, 4 … growing scans.
   */
  private async firstRuns(q: MessageQuery, runs: readonly Source[][], limit: number): Promise<number> {
    const keyset = this.keyset(q);
    const least = keyset ? 2 : 1;
    if ((q.dataset ?? 'messages') !== 'messages' || !q.platform || !q.conversation) return least;
    const c = await this.catalog.conversation(q.platform, q.conversation);
    if (!c || c.messageCount === 0) return least;
    const perMs = c.messageCount / (c.lastAt - c.firstAt + 1);
    const desc = q.order === 'desc';
    let expected = 0;
    let n = 0;
    for (const run of runs) {
      if (n >= least && expected >= limit * 1.5) break;
      n++;
      let lo = Math.max(c.firstAt, q.from ?? -Infinity, Math.min(...run.map((s) => s.minTime)));
      let hi = Math.min(c.lastAt, (q.to ?? Infinity) - 1, Math.max(...run.map((s) => s.maxTime)));
      if (keyset) [lo, hi] = desc ? [lo, Math.min(hi, keyset[0])] : [Math.max(lo, keyset[0]), hi];
      expected += perMs * Math.max(0, hi - lo);
    }
    return n;
  }

  private async *stream(duck: DuckDBConnection, plan: Plan): AsyncGenerator<QueryRow[]> {
    this.counters.scans++;
    const result = await duck.stream(plan.sql, plan.params);
    for await (const batch of result.yieldRowObjectJs()) yield batch as QueryRow[];
  }

  /** One page of at most `limit` rows (default 50) and the cursor of the next. */
  async page(query: MessageQuery): Promise<Page> {
    const q = resolvePlatformIds(query);
    const limit = q.limit ?? 50;
    const dataset = q.dataset ?? 'messages';
    const { time, id } = SHAPE[dataset];
    // The cursor is the last row's sort key: read it along when the columns asked leave it out, then drop it.
    const asked = q.columns?.length ? q.columns : undefined;
    const added = asked ? [time, id].filter((c) => !asked.includes(c)) : [];
    const columns = asked && added.length ? [...asked, ...added] : q.columns;
    let rows: QueryRow[] = [];
    for await (const batch of this.rowsOf({ ...q, columns, limit: limit + 1 })) rows.push(...batch);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows.at(-1);
    const cursor =
      more && last
        ? this.cursors.encode({
            after: [(last[time] as Date).getTime(), String(last[id])],
            query: queryDigest(q),
          })
        : null;
    if (added.length)
      rows = rows.map((r) => {
        const row = { ...r };
        for (const c of added) delete row[c];
        return row;
      });
    return { rows, cursor };
  }

  /** Writes the whole result as a Parquet file (DuckDB writes it directly: constant memory). */
  /**
   * Writes the whole result as a Parquet file (DuckDB writes it directly: constant memory). When nothing can
   * match (no file or hot row in range): not_found, or with `emptyFile` a file with the columns and no rows.
   */
  async exportParquet(q: MessageQuery, path: string, opts: { emptyFile?: boolean } = {}): Promise<number> {
    const resolved = resolvePlatformIds(q);
    return this.retryVanished(() => this.exportOnce(resolved, path, opts.emptyFile === true));
  }

  private async exportOnce(q: MessageQuery, path: string, emptyFile: boolean): Promise<number> {
    const duck = await siblingConnection(this.duck);
    try {
      const dataset = q.dataset ?? 'messages';
      const { files, hot } = await catalogSnapshot(this.catalog, dataset, hotFilter(q), () => this.files(q));
      const sources = await this.withHot(duck, dataset, files, hot);
      if (sources.length === 0 && emptyFile) {
        const table = `empty_${dataset}_${++this.hotTables}`;
        const columns = LAKE_DATASETS[dataset].columns.map((c) => `NULL::${c.type} AS "${c.name}"`);
        await duck.run(
          `CREATE TEMP TABLE ${table} AS SELECT ${columns.join(', ')}, NULL::VARCHAR AS raw LIMIT 0`,
        );
        sources.push({ table, minTime: 0, maxTime: 0 });
      }
      if (sources.length === 0) throw new ChatlakeError('not_found', 'no rows match; nothing written');
      const plan = await this.statement(duck, q, sources);
      const reader = await duck.runAndReadAll(
        `COPY (${plan.sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`,
        plan.params,
      );
      return Number(reader.getRows()[0]?.[0] ?? 0);
    } finally {
      duck.closeSync();
    }
  }

  /**
   * Messages by id, in the order asked: the catalog's identity index names each id's partition, so only those
   * files are read; ids still in the hot tier come from there. An id may carry its platform
   * ("wechat:1000000000042"); a bare one is of `platform`, or, without it, of any platform that has it.
   * Edits are applied and deleted messages left out (`includeDeleted`: kept, marked by `deleted`);
   * `original`: the messages as stored, deleted ones included, without their edits (the REST API applies them
   * itself), by their exact ids on `platform` (default wechat): no prefix is read.
   */
  async get(
    ids: readonly string[],
    platform?: string,
    opts: { includeDeleted?: boolean; original?: boolean } = {},
  ): Promise<QueryRow[]> {
    if (opts.original) {
      // The exact ids of one platform (the REST API's own reads, whose ids are already split).
      const exact = [...new Set(ids)];
      const of = platform ?? 'wechat';
      const rows = await this.retryVanished(() => this.getOnce(exact, of, opts));
      const found = new Map(rows.map((r) => [String(r.message_id), r]));
      return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    }
    const byPlatform = new Map<string, string[]>();
    const add = (p: string, id: string) => byPlatform.set(p, [...(byPlatform.get(p) ?? []), id]);
    for (const text of ids) {
      const split = splitPlatformId(text);
      if (split.platform !== undefined && platform !== undefined && split.platform !== platform) {
        throw new ChatlakeError(
          'invalid_argument',
          `message id "${text}" is a ${split.platform} id but the platform asked is "${platform}"`,
          `drop the platform or the "${split.platform}:" prefix`,
        );
      }
      if (split.platform !== undefined || platform !== undefined) add(split.platform ?? platform!, split.id);
      else for (const p of ID_PLATFORMS) add(p, split.id);
    }
    const found = new Map<string, QueryRow>();
    for (const [p, list] of byPlatform) {
      const unique = [...new Set(list)];
      for (const row of await this.retryVanished(() => this.getOnce(unique, p, opts)))
        found.set(stateKey(p, String(row.message_id)), row);
    }
    const out: QueryRow[] = [];
    const seen = new Set<string>();
    for (const text of ids) {
      const split = splitPlatformId(text);
      const platforms = split.platform ?? platform;
      for (const p of platforms === undefined ? ID_PLATFORMS : [platforms]) {
        const key = stateKey(p, split.id);
        const row = found.get(key);
        if (row && !seen.has(key)) {
          seen.add(key);
          out.push(row);
        }
      }
    }
    return out;
  }

  private async getOnce(
    ids: readonly string[],
    platform: string,
    opts: { includeDeleted?: boolean; original?: boolean },
  ): Promise<QueryRow[]> {
    const partitions = [
      ...new Set((await this.catalog.keyPartitions('messages', platform, [...ids])).values()),
    ];
    const { files, hot: hotRows } = await catalogSnapshot(
      this.catalog,
      'messages',
      { dataset: 'messages', platform, keys: ids },
      () => this.catalog.dataFiles({ dataset: 'messages', partitions }),
    );
    const duck = await siblingConnection(this.duck);
    try {
      const sources = await this.withHot(duck, 'messages', files, hotRows);
      if (sources.length === 0) return [];
      const sql =
        `SELECT m.* FROM ${this.scan(sources)} ` +
        `WHERE m.platform = $1 AND m.message_id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`;
      const reader = await duck.runAndReadAll(sql, [platform, ...ids]);
      const read = reader.getRowObjectsJS() as QueryRow[];
      if (opts.original) return this.finishRows(read, STORED_COLUMNS);
      const current = await this.applyStates(read, opts.includeDeleted === true);
      return this.finishRows(current, datasetColumns('messages', opts.includeDeleted));
    } finally {
      duck.closeSync();
    }
  }

  /** The registered files that can hold matching rows: partitions in range, pruned by time and cursor. */
  private async files(q: MessageQuery): Promise<DataFileRow[]> {
    const dataset = q.dataset ?? 'messages';
    const fromDay = q.from === undefined ? undefined : this.zone.dayOf(q.from);
    const toDay = q.to === undefined ? undefined : this.zone.dayOf(q.to - 1);
    const desc = q.order === 'desc';
    const after = this.keyset(q)?.[0];
    return (await this.catalog.dataFiles({ dataset, fromPartition: fromDay, toPartition: toDay })).filter(
      (f) =>
        (q.from === undefined || f.maxTime >= q.from) &&
        (q.to === undefined || f.minTime < q.to) &&
        (after === undefined || (desc ? f.minTime <= after : f.maxTime >= after)),
    );
  }

  /** The files, plus the hot-tier records loaded into a temp table of this connection when there are any. */
  private async withHot(
    duck: DuckDBConnection,
    dataset: Dataset,
    files: readonly DataFileRow[],
    rows: readonly HotRecordRow[],
  ): Promise<Source[]> {
    if (rows.length === 0) return [...files];
    const table = `hot_${dataset}_${++this.hotTables}`;
    await new LakeWriter(duck, this.lakeDir).loadTable(
      dataset,
      rows.map((r) => JSON.parse(r.record) as { raw: string }),
      table,
    );
    let minTime = Number.POSITIVE_INFINITY;
    let maxTime = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      minTime = Math.min(minTime, r.time);
      maxTime = Math.max(maxTime, r.time);
    }
    return [...files, { table, minTime, maxTime }];
  }

  /** One relation over the sources: the listed Parquet files and the hot table, by column name. */
  private scan(sources: readonly Source[]): string {
    const paths = sources.flatMap((s) => ('path' in s ? [sqlString(join(this.lakeDir, s.path))] : []));
    const tables = sources.flatMap((s) => ('table' in s ? [s.table] : []));
    const parts = [
      ...(paths.length ? [`SELECT * FROM read_parquet([${paths.join(', ')}], union_by_name = true)`] : []),
      ...tables.map((t) => `SELECT * FROM ${t}`),
    ];
    return parts.length === 1 && paths.length === 1
      ? `read_parquet([${paths.join(', ')}], union_by_name = true) m`
      : `(${parts.join(' UNION ALL BY NAME ')}) m`;
  }

  private keyset(q: MessageQuery): [number, string] | undefined {
    return q.keyset ?? (q.cursor ? this.cursors.decode(q.cursor, queryDigest(q)).after : undefined);
  }

  private async statement(
    duck: DuckDBConnection,
    q: MessageQuery,
    sources: readonly Source[],
  ): Promise<Plan> {
    const dataset = q.dataset ?? 'messages';
    const { time, id } = SHAPE[dataset];
    const params: (string | number | bigint)[] = [];
    const bind = (v: string | number | bigint) => `$${params.push(v)}`;
    // Epoch ms to µs as a bigint: ms * 1000 as a double is inexact past the year 2255.
    const micros = (ms: number) => {
      if (!Number.isFinite(ms)) throw new ChatlakeError('invalid_argument', `not a time: ${ms}`);
      return bind(BigInt(Math.floor(ms)) * 1000n);
    };
    const columns = selectColumns(dataset, q.columns, q.includeDeleted);
    // Edits and deletions (API message changes) apply through a join of their current states, when any exist.
    const states = dataset === 'messages' && (await this.catalog.messageChangeCount()) > 0;
    if (states) await this.loadStates(duck);
    const expr = (c: string): string => {
      if (dataset !== 'messages') return `m."${c}"`;
      switch (c) {
        case 'text':
        case 'content':
          return states ? `CASE WHEN s.edited_at IS NULL THEN m."${c}" ELSE s.text END` : `m."${c}"`;
        case 'edited':
          return states ? 's.edited_at IS NOT NULL' : 'false';
        case 'edited_at':
          return states ? 's.edited_at' : 'NULL::TIMESTAMPTZ';
        case 'deleted':
          return states ? 's.deleted IS TRUE' : 'false';
        case 'revoked':
          return 'r.message_id IS NOT NULL';
        default:
          return `m."${c}"`;
      }
    };
    const where: string[] = [];
    if (q.from !== undefined) where.push(`m.${time} >= make_timestamptz(${micros(q.from)}::BIGINT)`);
    if (q.to !== undefined) where.push(`m.${time} < make_timestamptz(${micros(q.to)}::BIGINT)`);
    if (q.platform) where.push(`m.platform = ${bind(q.platform)}`);
    if (dataset === 'messages') {
      if (q.conversation) where.push(`m.conversation_id = ${bind(q.conversation)}`);
      if (q.sender) where.push(`m.sender_id = ${bind(q.sender)}`);
      if (q.type) where.push(typeFilter(q.type, bind));
      if (q.text) where.push(`contains(lower(${expr('text')}), lower(${bind(q.text)}))`);
      if (q.withoutStatus) where.push("m.kind <> 'status'");
      if (states && !q.includeDeleted) where.push('s.deleted IS NOT TRUE');
    } else if (q.type && dataset === 'events') where.push(`m.event_type = ${bind(q.type)}`);
    const desc = q.order === 'desc';
    const keyset = this.keyset(q);
    if (keyset) {
      const [t, after] = keyset;
      const cmp = desc ? '<' : '>';
      const ts = `make_timestamptz(${micros(t)}::BIGINT)`;
      where.push(`(m.${time} ${cmp} ${ts} OR (m.${time} = ${ts} AND m.${id} ${cmp} ${bind(after)}))`);
    }
    const scan = `${this.scan(sources)}${states ? ` ${STATES_JOIN}` : ''}`;
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const order = `ORDER BY m.${time} ${desc ? 'DESC' : 'ASC'}, m.${id} ${desc ? 'DESC' : 'ASC'}`;
    const limit = q.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(q.limit))}`;
    const select = (names: readonly string[]) => names.map((c) => `${expr(c)} AS "${c}"`).join(', ');
    if (dataset !== 'messages' || !columns.includes('revoked')) {
      return { sql: `SELECT ${select(columns)} FROM ${scan}${filter} ${order}${limit}`, params };
    }
    if (limit) {
      // A page: `revoked` is set after the read from the catalog (finishRows), which is cheaper than a join.
      const picked = [...new Set([...columns.filter((c) => c !== 'revoked'), 'platform', id])];
      return { sql: `SELECT ${select(picked)} FROM ${scan}${filter} ${order}${limit}`, params };
    }
    await this.loadRevocations(duck);
    const revokedJoin = 'LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id';
    return {
      sql: `SELECT ${select(columns)} FROM ${scan} ${revokedJoin}${filter} ${order}`,
      params,
    };
  }

  /**
   * Rows read without the states' join (the hot rows a window is extended with, messages by id) with their
   * current state from one catalog lookup of their ids: edited text and marks; deleted ones left out unless
   * `includeDeleted`, which marks them.
   */
  private async applyStates(rows: QueryRow[], includeDeleted: boolean): Promise<QueryRow[]> {
    const ids = new Map<string, string[]>();
    for (const r of rows) {
      const platform = String(r.platform);
      ids.set(platform, [...(ids.get(platform) ?? []), String(r.message_id)]);
    }
    const changes = [];
    for (const [platform, list] of ids) changes.push(...(await this.catalog.messageChanges(platform, list)));
    const states = messageStates(changes);
    return rows.flatMap((r) => {
      const state = states.get(stateKey(String(r.platform), String(r.message_id)));
      if (state?.deleted && !includeDeleted) return [];
      const row: QueryRow = { ...r, edited: false, edited_at: null, deleted: state?.deleted ?? false };
      if (state && state.editedAt !== null) {
        row.edited = true;
        row.edited_at = new Date(state.editedAt);
        if ('text' in r) row.text = state.text;
        if ('content' in r) row.content = state.text;
      }
      return [row];
    });
  }

  /**
   * The rows of a limited read with only the columns asked for, in their order, and their `revoked` flag when
   * asked: from one catalog lookup of their ids (per platform).
   */
  private async finishRows(rows: QueryRow[], columns: readonly string[]): Promise<QueryRow[]> {
    const ids = new Map<string, string[]>();
    if (columns.includes('revoked'))
      for (const r of rows) {
        const platform = String(r.platform);
        const list = ids.get(platform) ?? [];
        list.push(String(r.message_id));
        ids.set(platform, list);
      }
    const revoked = new Set<string>();
    for (const [platform, list] of ids)
      for (const r of await this.catalog.revocations(platform, list))
        revoked.add(`${platform}\0${r.messageId}`);
    return rows.map((r) => {
      const row: QueryRow = {};
      for (const c of columns)
        row[c] = c === 'revoked' ? revoked.has(`${r.platform}\0${r.message_id}`) : r[c];
      return row;
    });
  }

  /**
   * Revocations live in the catalog; queries join them from a table of the shared in-memory database,
   * reloaded when the catalog holds a different number of them (they are only ever added).
   */
  private loadRevocations(duck: DuckDBConnection): Promise<void> {
    // One load at a time: two readers replacing the shared table at once conflict inside DuckDB.
    const load = this.revocationsLoad.then(() => this.reloadRevocations(duck));
    this.revocationsLoad = load.catch(() => {});
    return load;
  }

  private async reloadRevocations(duck: DuckDBConnection): Promise<void> {
    const version = await this.catalog.revocationCount();
    if (version === this.revocationsVersion) return;
    const rows = await this.catalog.revocations();
    await duck.run('CREATE OR REPLACE TABLE revocations_next (platform VARCHAR, message_id VARCHAR)');
    await appendColumns(
      duck,
      'revocations_next',
      [VARCHAR, VARCHAR],
      [rows.map((r) => r.platform), rows.map((r) => r.messageId)],
    );
    await duck.run('CREATE OR REPLACE TABLE revocations AS SELECT * FROM revocations_next');
    this.revocationsVersion = version;
  }

  /**
   * The current state of every changed message (edited text and time, deleted), as a table of the shared
   * in-memory database that statements join; reloaded when the catalog holds a different number of changes
   * (they are only ever added).
   */
  private loadStates(duck: DuckDBConnection): Promise<void> {
    const load = this.statesLoad.then(() => this.reloadStates(duck));
    this.statesLoad = load.catch(() => {});
    return load;
  }

  private async reloadStates(duck: DuckDBConnection): Promise<void> {
    const version = await this.catalog.messageChangeCount();
    if (version === this.statesVersion) return;
    const states = [...messageStates(await this.catalog.allMessageChanges())];
    await duck.run(
      'CREATE OR REPLACE TABLE message_states_next (platform VARCHAR, message_id VARCHAR, deleted BOOLEAN, text VARCHAR, edited_at TIMESTAMPTZ)',
    );
    await appendColumns(
      duck,
      'message_states_next',
      [VARCHAR, VARCHAR, BOOLEAN, VARCHAR, TIMESTAMPTZ],
      [
        states.map(([key]) => key.split('\0')[0]!),
        states.map(([key]) => key.slice(key.indexOf('\0') + 1)),
        states.map(([, s]) => s.deleted),
        states.map(([, s]) => s.text),
        states.map(([, s]) =>
          s.editedAt === null ? null : new DuckDBTimestampTZValue(BigInt(s.editedAt) * 1000n),
        ),
      ],
    );
    await duck.run('CREATE OR REPLACE TABLE message_states AS SELECT * FROM message_states_next');
    this.statesVersion = version;
  }
}

/** The hot-tier rows a query can match. */
function hotFilter(q: MessageQuery): HotFilter {
  const dataset = q.dataset ?? 'messages';
  return {
    dataset,
    platform: q.platform,
    conversationId: dataset === 'messages' ? q.conversation : undefined,
    fromTime: q.from,
    toTime: q.to === undefined ? undefined : q.to - 1,
  };
}

/**
 * What a window was read from: the dataset's files, its hot rows (how many, and the newest id: ids only
 * grow), the revocations and the message changes (both only ever added). Any change makes the next page read again.
 */
interface Sources {
  files: string;
  hotRows: number;
  hotLastId: number;
  revocations: number;
  /** Message changes (edits, deletes, restores: only ever added). */
  changes: number;
}

const sameSources = (a: Sources, b: Sources | null): boolean =>
  b !== null &&
  a.files === b.files &&
  a.hotRows === b.hotRows &&
  a.hotLastId === b.hotLastId &&
  a.revocations === b.revocations &&
  a.changes === b.changes;

/** A run of a conversation's messages read ahead: every matching row below `start`, newest first. */
interface Window {
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
type Bound = [number, string] | null;

/** Reads of files that vanished meanwhile are made again, this many times in all at most. */
const VANISHED_ATTEMPTS = 3;
const STATES_JOIN = 'LEFT JOIN message_states s ON s.platform = m.platform AND s.message_id = m.message_id';
const WINDOW_ROWS = 500;
const WINDOWS_PER_QUERY = 8;
/** ≈ 50–100 MB of rows at a few hundred bytes to a few KB each (the page cache before held up to 26k). */
const WINDOW_ROWS_KEPT = 50_000;

/**
 * Where a newest-first read starts: below both its `to` (rows before that time: (to, "") is above every id
 * of an earlier millisecond) and its keyset.
 */
function startBound(to: number | undefined, keyset: [number, string] | undefined): Bound {
  let bound: Bound = to === undefined ? null : [to, ''];
  if (keyset && (bound === null || compareKeys(keyset, bound) < 0)) bound = keyset;
  return bound;
}

/** Whether a read starting at `a` starts at or below `b`. */
const below = (a: Bound, b: Bound): boolean => b === null || (a !== null && compareKeys(a, b) <= 0);

const compareKeys = (a: [number, string], b: [number, string]): number =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

const rowKey = (r: QueryRow): [number, string] => [(r.sent_at as Date).getTime(), String(r.message_id)];

/**
 * The window cache key of a newest-first limited read of one conversation's messages that returns its sort
 * columns (null for any other read): every field but those saying where the page starts and how long it is.
 */
function windowKey(q: MessageQuery): string | null {
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

/** Groups sources into runs in the query's order such that every row of a run comes strictly before (after,
 * for desc) every row of the next: sources whose time ranges overlap or touch share a run. */
function timeDisjointRuns<S extends { minTime: number; maxTime: number }>(
  files: readonly S[],
  desc: boolean,
): S[][] {
  const sorted = [...files].sort((a, b) => (desc ? b.maxTime - a.maxTime : a.minTime - b.minTime));
  const runs: S[][] = [];
  let edge = desc ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const f of sorted) {
    if (desc ? f.maxTime < edge : f.minTime > edge) runs.push([f]);
    else runs.at(-1)!.push(f);
    edge = desc ? Math.min(edge, f.minTime) : Math.max(edge, f.maxTime);
  }
  return runs;
}

/** Consecutive runs, `first`, then twice as many each time, each group flattened. */
function* growing<T>(runs: readonly T[][], first: number): Generator<T[]> {
  for (let i = 0, n = first; i < runs.length; i += n, n *= 2) yield runs.slice(i, i + n).flat();
}

function typeFilter(type: string, bind: (v: string) => string): string {
  if (/^\d+$/.test(type)) return `m.type_code = ${bind(type)}`;
  if (!(MESSAGE_KINDS as readonly string[]).includes(type)) {
    throw new ChatlakeError(
      'invalid_argument',
      `unknown message type "${type}"`,
      `use a kind (${MESSAGE_KINDS.join(', ')}) or a numeric type code such as 3`,
    );
  }
  return `m.kind = ${bind(type)}`;
}

/**
 * A dataset's columns: its Parquet columns and `raw`; for messages then `revoked`, `edited` (changed through the
 * API: `text` and `content` are the last edit's text), `edited_at` (null when never edited) and, when deleted
 * messages are included, `deleted`.
 */
export function datasetColumns(dataset: Dataset, includeDeleted = false): string[] {
  const names = LAKE_DATASETS[dataset].columns.map((c) => c.name);
  if (dataset !== 'messages') return [...names, 'raw'];
  return [...names, 'raw', 'revoked', 'edited', 'edited_at', ...(includeDeleted ? ['deleted'] : [])];
}

/** The columns of messages as stored, before any change applies (what `get` returns with `original`). */
const STORED_COLUMNS = [...LAKE_DATASETS.messages.columns.map((c) => c.name), 'raw', 'revoked'];

/** The columns `rows`/`page` return for a query: its `columns`, or its dataset's default ones (no `raw`). */
export function outputColumns(q: MessageQuery): string[] {
  return selectColumns(q.dataset ?? 'messages', q.columns, q.includeDeleted);
}

function selectColumns(dataset: Dataset, asked: string[] | undefined, includeDeleted?: boolean): string[] {
  const all = datasetColumns(dataset, true);
  if (!asked || asked.length === 0) return datasetColumns(dataset, includeDeleted).filter((c) => c !== 'raw');
  const unknown = asked.filter((c) => !all.includes(c));
  if (unknown.length > 0) {
    throw new ChatlakeError(
      'invalid_argument',
      `unknown column(s) ${unknown.join(', ')} in ${dataset}`,
      `columns: ${all.join(', ')}`,
    );
  }
  return asked;
}

/** What identifies a query for its cursors: everything but the cursor, limit and columns. */
function queryDigest(q: MessageQuery): string {
  const { cursor, keyset, limit, columns, ...filters } = q;
  return createHash('sha256')
    .update(JSON.stringify(filters, Object.keys(filters).sort()))
    .digest('base64url')
    .slice(0, 22);
}
