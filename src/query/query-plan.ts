import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog, DataFileRow } from '../catalog/catalog.js';
import type { HotFilter, HotRecordRow } from '../catalog/service-catalog.js';
import type { Dataset } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import { LAKE_DATASETS } from '../lake/lake-columns.js';
import { LakeWriter } from '../lake/lake-writer.js';
import type { Keyset } from './keyset-page.js';
import type { MessageQuery } from './message-query.js';
import type { Source } from './scan-sql.js';

/**
 * Plans reads from the catalog: the registered files of the partitions in range (pruned by time and cursor),
 * the hot tier's matching rows as a temp table, and how many time-disjoint groups a limited read takes first.
 */
export class QueryPlanner {
  private hotTables = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly lakeDir: string,
    private readonly zone: LocalDay,
  ) {}

  /** The registered files that can hold matching rows: partitions in range, pruned by time and cursor. */
  async files(q: MessageQuery, keyset: Keyset | undefined): Promise<DataFileRow[]> {
    const dataset = q.dataset ?? 'messages';
    const fromDay = q.from === undefined ? undefined : this.zone.dayOf(q.from);
    const toDay = q.to === undefined ? undefined : this.zone.dayOf(q.to - 1);
    const desc = q.order === 'desc';
    const after = keyset?.[0];
    return (await this.catalog.dataFiles({ dataset, fromPartition: fromDay, toPartition: toDay })).filter(
      (f) =>
        (q.from === undefined || f.maxTime >= q.from) &&
        (q.to === undefined || f.minTime < q.to) &&
        (after === undefined || (desc ? f.minTime <= after : f.maxTime >= after)),
    );
  }

  /** The files, plus the hot-tier records loaded into a temp table of this connection when there are any. */
  async withHot(
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

  /** A temp table of this connection with the dataset's columns and no rows (an empty export's source). */
  async emptySource(duck: DuckDBConnection, dataset: Dataset): Promise<Source> {
    const table = `empty_${dataset}_${++this.hotTables}`;
    const columns = LAKE_DATASETS[dataset].columns.map((c) => `NULL::${c.type} AS "${c.name}"`);
    await duck.run(
      `CREATE TEMP TABLE ${table} AS SELECT ${columns.join(', ')}, NULL::VARCHAR AS raw LIMIT 0`,
    );
    return { table, minTime: 0, maxTime: 0 };
  }

  /**
   * How many runs the first group of a limited read takes. After a cursor the first run is mostly read
   * already (it ends the previous page): two. For one conversation, enough runs to hold the limit if its
   * messages (the catalog's count, first and last time) are spread evenly: a quiet chat's page is one scan
   * of the days it needs rather than 1, 2, 4 … growing scans.
   */
  async firstRuns(
    q: MessageQuery,
    keyset: Keyset | undefined,
    runs: readonly Source[][],
    limit: number,
  ): Promise<number> {
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
}

/** The hot-tier rows a query can match. */
export function hotFilter(q: MessageQuery): HotFilter {
  const dataset = q.dataset ?? 'messages';
  return {
    dataset,
    platform: q.platform,
    conversationId: dataset === 'messages' ? q.conversation : undefined,
    fromTime: q.from,
    toTime: q.to === undefined ? undefined : q.to - 1,
  };
}

/** Groups sources into runs in the query's order such that every row of a run comes strictly before (after,
 * for desc) every row of the next: sources whose time ranges overlap or touch share a run. */
export function timeDisjointRuns<S extends { minTime: number; maxTime: number }>(
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
export function* growing<T>(runs: readonly T[][], first: number): Generator<T[]> {
  for (let i = 0, n = first; i < runs.length; i += n, n *= 2) yield runs.slice(i, i + n).flat();
}
