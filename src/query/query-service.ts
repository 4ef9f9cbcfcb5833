import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { LocalDay } from '../core/local-day.js';
import { siblingConnection, sqlString } from '../lake/duckdb-engine.js';
import { catalogSnapshot } from './catalog-snapshot.js';
import type { CursorCodec } from './cursor-codec.js';
import { SORT_KEY, selectColumns } from './dataset-columns.js';
import { type Keyset, type KeysetPage, queryCursors, queryKeyset, rowKeyset } from './keyset-page.js';
import type { MessageQuery, QueryRow } from './message-query.js';
import { type GetOptions, type LookupParts, messagesById } from './messages-by-id.js';
import { resolvePlatformIds } from './platform-id.js';
import { growing, hotFilter, QueryPlanner, timeDisjointRuns } from './query-plan.js';
import { type Sources, startBound, WINDOW_ROWS, windowKey } from './read-window.js';
import { ReadWindows } from './read-windows.js';
import { RowMarks } from './row-marks.js';
import { type Plan, type Source, scanStatement } from './scan-sql.js';
import { missingFile, retryVanished, VANISHED_ATTEMPTS, vanished } from './vanished-file.js';

export { datasetColumns, outputColumns } from './dataset-columns.js';

export type Page = KeysetPage<QueryRow>;

/**
 * Reads the lake. Plans from the catalog (only the files of partitions in range, as an explicit list),
 * lets DuckDB push projection and filters into the Parquet scan, and streams results in batches.
 */
export class QueryService {
  private readonly planner: QueryPlanner;
  private readonly marks: RowMarks;
  private readonly windows: ReadWindows;
  /** DuckDB scans run, and limited reads answered from a window instead: for metrics. */
  readonly counters = { scans: 0, windowHits: 0 };

  constructor(
    private readonly duck: DuckDBConnection,
    private readonly catalog: Catalog,
    private readonly lakeDir: string,
    zone: LocalDay,
    private readonly cursors: CursorCodec,
    /** The lake's platform names: the prefixes an id may carry ("<platform>:<id>"). */
    private readonly platforms: readonly string[],
  ) {
    this.planner = new QueryPlanner(catalog, lakeDir, zone);
    this.marks = new RowMarks(catalog);
    this.windows = new ReadWindows(catalog, this.marks, async (q, key) => {
      for await (const _ of this.read(q, key)) {
      }
    });
  }

  /** The codec of this data directory's cursors (the HTTP API signs its own page cursors with it). */
  get cursorCodec(): CursorCodec {
    return this.cursors;
  }

  /** Every matching row of the lake and the hot tier, in batches, in constant memory. */
  rows(q: MessageQuery): AsyncGenerator<QueryRow[]> {
    return this.rowsOf(resolvePlatformIds(q, this.platforms));
  }

  /** One page of at most `limit` rows (default 50) and the cursor of the next. */
  async page(query: MessageQuery): Promise<Page> {
    const q = resolvePlatformIds(query, this.platforms);
    const limit = q.limit ?? 50;
    const key = SORT_KEY[q.dataset ?? 'messages'];
    // The cursor is the last row's sort key: read it along when the columns asked leave it out, then drop it.
    const asked = q.columns?.length ? q.columns : undefined;
    const added = asked ? [key.time, key.id].filter((c) => !asked.includes(c)) : [];
    const columns = asked && added.length ? [...asked, ...added] : q.columns;
    const rows: QueryRow[] = [];
    for await (const batch of this.rowsOf({ ...q, columns, limit: limit + 1 })) rows.push(...batch);
    const page = queryCursors(this.cursors, q).page(rows, limit, (r) => rowKeyset(r, key));
    if (added.length)
      page.rows = page.rows.map((r) => {
        const row = { ...r };
        for (const c of added) delete row[c];
        return row;
      });
    return page;
  }

  /**
   * Writes the whole result as a Parquet file (DuckDB writes it directly: constant memory). When nothing can
   * match (no file or hot row in range): not_found, or with `emptyFile` a file with the columns and no rows.
   */
  async exportParquet(q: MessageQuery, path: string, opts: { emptyFile?: boolean } = {}): Promise<number> {
    const resolved = resolvePlatformIds(q, this.platforms);
    return retryVanished(
      () => this.exportOnce(resolved, path, opts.emptyFile === true),
      this.catalog,
      this.lakeDir,
    );
  }

  /** Messages by id, in the order asked (see `messagesById`). */
  get(ids: readonly string[], platform?: string, opts: GetOptions = {}): Promise<QueryRow[]> {
    const parts: LookupParts = {
      duck: this.duck,
      catalog: this.catalog,
      lakeDir: this.lakeDir,
      planner: this.planner,
      marks: this.marks,
      platforms: this.platforms,
    };
    return messagesById(parts, ids, platform, opts);
  }

  /** Settles once no read ahead is running (before DuckDB and the catalog close). */
  idle(): Promise<void> {
    return this.windows.idle();
  }

  private async *rowsOf(q: MessageQuery): AsyncGenerator<QueryRow[]> {
    const window = windowKey(q);
    if (window && q.limit !== undefined) {
      const cut = await this.windows.page(window, q, q.limit, this.keyset(q));
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
        if (yielded || attempt === VANISHED_ATTEMPTS || !vanished(error, this.lakeDir))
          throw await missingFile(error, this.catalog, this.lakeDir);
      }
    }
  }

  /** The rows from DuckDB; a read with a window key keeps what it read as a window. */
  private async *read(q: MessageQuery, window: string | null): AsyncGenerator<QueryRow[]> {
    const dataset = q.dataset ?? 'messages';
    const keyset = this.keyset(q);
    const { files, hot, filesVersion } = await catalogSnapshot(this.catalog, dataset, hotFilter(q), () =>
      this.planner.files(q, keyset),
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
      const sources = await this.planner.withHot(duck, dataset, files, hot);
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
      for (const group of growing(runs, await this.planner.firstRuns(q, keyset, runs, need))) {
        if (need <= 0) {
          complete = false;
          break;
        }
        const plan = await this.statement(duck, { ...q, limit: take }, group);
        for await (const rows of this.stream(duck, plan)) {
          const batch = marks ? await this.marks.finishRows(rows, columns) : rows;
          need -= batch.length;
          take -= batch.length;
          if (window) read.push(...batch);
          else yield batch;
        }
      }
      if (!window || !readFrom) return;
      this.windows.keep(window, {
        readFrom,
        newest: !keyset && (await this.windows.nothingSince(q)),
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

  private async exportOnce(q: MessageQuery, path: string, emptyFile: boolean): Promise<number> {
    const duck = await siblingConnection(this.duck);
    try {
      const dataset = q.dataset ?? 'messages';
      const { files, hot } = await catalogSnapshot(this.catalog, dataset, hotFilter(q), () =>
        this.planner.files(q, this.keyset(q)),
      );
      const sources = await this.planner.withHot(duck, dataset, files, hot);
      if (sources.length === 0 && emptyFile) sources.push(await this.planner.emptySource(duck, dataset));
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

  private async *stream(duck: DuckDBConnection, plan: Plan): AsyncGenerator<QueryRow[]> {
    this.counters.scans++;
    const result = await duck.stream(plan.sql, plan.params);
    for await (const batch of result.yieldRowObjectJs()) yield batch as QueryRow[];
  }

  /** The query's statement over the sources, with the mark tables it joins loaded. */
  private async statement(
    duck: DuckDBConnection,
    q: MessageQuery,
    sources: readonly Source[],
  ): Promise<Plan> {
    // Edits and deletions (API message changes) apply through a join of their current states, when any exist.
    const states = (q.dataset ?? 'messages') === 'messages' && (await this.catalog.messageChangeCount()) > 0;
    if (states) await this.marks.loadStates(duck);
    const plan = scanStatement(q, sources, { lakeDir: this.lakeDir, states, keyset: this.keyset(q) });
    if (plan.revocations) await this.marks.loadRevocations(duck);
    return { sql: plan.sql, params: plan.params };
  }

  private keyset(q: MessageQuery): Keyset | undefined {
    return queryKeyset(this.cursors, q);
  }
}
