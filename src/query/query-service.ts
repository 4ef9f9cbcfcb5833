import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { Catalog, DataFileRow } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import { MESSAGE_KINDS } from '../core/message.js';
import { sqlString } from '../lake/duckdb-engine.js';
import { LAKE_DATASETS } from '../lake/lake-columns.js';
import type { CursorCodec } from './cursor-codec.js';
import type { MessageQuery, QueryRow } from './message-query.js';

const SHAPE: Record<Dataset, { time: string; id: string }> = {
  messages: { time: 'sent_at', id: 'message_id' },
  contacts: { time: 'observed_at', id: 'record_key' },
  events: { time: 'observed_at', id: 'record_key' },
};

interface Plan {
  sql: string;
  params: (string | number)[];
}

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
  private revocationsLoaded = false;

  constructor(
    private readonly duck: DuckDBConnection,
    private readonly catalog: Catalog,
    private readonly lakeDir: string,
    private readonly zone: LocalDay,
    private readonly cursors: CursorCodec,
  ) {}

  /** Every matching row, in batches, in constant memory. */
  async *rows(q: MessageQuery): AsyncGenerator<QueryRow[]> {
    const files = await this.files(q);
    if (q.limit === undefined) {
      if (files.length > 0) yield* this.stream(await this.statement(q, files));
      return;
    }
    // A limited read walks time-disjoint groups of files in the query's order (1, 2, 4, … at a time) and
    // stops once it has enough rows: a page of a long history reads the files of a day or two, not all.
    let left = Math.max(0, Math.floor(q.limit));
    // After a cursor the first run is mostly read already (it ends the previous page): start with two.
    for (const group of growing(timeDisjointRuns(files, q.order === 'desc'), q.cursor ? 2 : 1)) {
      if (left === 0) return;
      for await (const batch of this.stream(await this.statement({ ...q, limit: left }, group))) {
        left -= batch.length;
        yield batch;
      }
    }
  }

  private async *stream(plan: Plan): AsyncGenerator<QueryRow[]> {
    const result = await this.duck.stream(plan.sql, plan.params);
    for await (const batch of result.yieldRowObjectJs()) yield batch as QueryRow[];
  }

  /** One page of at most `limit` rows (default 50) and the cursor of the next. */
  async page(q: MessageQuery): Promise<Page> {
    const limit = q.limit ?? 50;
    const rows: QueryRow[] = [];
    for await (const batch of this.rows({ ...q, limit: limit + 1 })) rows.push(...batch);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows.at(-1);
    const dataset = q.dataset ?? 'messages';
    const { time, id } = SHAPE[dataset];
    if (!more || !last) return { rows, cursor: null };
    if (!(time in last) || !(id in last)) {
      throw new ChatlakeError('invalid_argument', `paging needs the ${time} and ${id} columns in --columns`);
    }
    const after: [number, string] = [(last[time] as Date).getTime(), String(last[id])];
    return { rows, cursor: this.cursors.encode({ after, query: queryDigest(q) }) };
  }

  /** Writes the whole result as a Parquet file (DuckDB writes it directly: constant memory). */
  async exportParquet(q: MessageQuery, path: string): Promise<number> {
    const plan = await this.plan(q);
    if (!plan) throw new ChatlakeError('not_found', 'no rows match; nothing written');
    const reader = await this.duck.runAndReadAll(
      `COPY (${plan.sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`,
      plan.params,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  /** Messages by id: the catalog's identity index names each id's partition, so only those files are read. */
  async get(ids: readonly string[], platform = 'wechat'): Promise<QueryRow[]> {
    const partitions = [
      ...new Set((await this.catalog.keyPartitions('messages', platform, [...ids])).values()),
    ];
    const files = await this.catalog.dataFiles({ dataset: 'messages', partitions });
    if (files.length === 0) return [];
    await this.loadRevocations();
    const list = files.map((f) => sqlString(join(this.lakeDir, f.path))).join(', ');
    const sql =
      `SELECT m.*, r.message_id IS NOT NULL AS revoked FROM read_parquet([${list}], union_by_name = true) m ` +
      `LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id ` +
      `WHERE m.platform = $1 AND m.message_id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`;
    const reader = await this.duck.runAndReadAll(sql, [platform, ...ids]);
    const found = new Map(reader.getRowObjectsJS().map((r) => [String(r.message_id), r as QueryRow]));
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  private async plan(q: MessageQuery): Promise<Plan | null> {
    const files = await this.files(q);
    return files.length === 0 ? null : this.statement(q, files);
  }

  /** The registered files that can hold matching rows: partitions in range, pruned by time and by the cursor. */
  private async files(q: MessageQuery): Promise<DataFileRow[]> {
    const dataset = q.dataset ?? 'messages';
    const fromDay = q.from === undefined ? undefined : this.zone.dayOf(q.from);
    const toDay = q.to === undefined ? undefined : this.zone.dayOf(q.to - 1);
    const desc = q.order === 'desc';
    const after = q.cursor ? this.cursors.decode(q.cursor, queryDigest(q)).after[0] : undefined;
    return (await this.catalog.dataFiles({ dataset, fromPartition: fromDay, toPartition: toDay })).filter(
      (f) =>
        (q.from === undefined || f.maxTime >= q.from) &&
        (q.to === undefined || f.minTime < q.to) &&
        (after === undefined || (desc ? f.minTime <= after : f.maxTime >= after)),
    );
  }

  private async statement(q: MessageQuery, files: readonly DataFileRow[]): Promise<Plan> {
    const dataset = q.dataset ?? 'messages';
    const { time, id } = SHAPE[dataset];
    const params: (string | number)[] = [];
    const bind = (v: string | number) => `$${params.push(v)}`;
    const where: string[] = [];
    if (q.from !== undefined) where.push(`m.${time} >= make_timestamptz(${bind(q.from * 1000)}::BIGINT)`);
    if (q.to !== undefined) where.push(`m.${time} < make_timestamptz(${bind(q.to * 1000)}::BIGINT)`);
    if (q.platform) where.push(`m.platform = ${bind(q.platform)}`);
    if (dataset === 'messages') {
      if (q.conversation) where.push(`m.conversation_id = ${bind(q.conversation)}`);
      if (q.sender) where.push(`m.sender_id = ${bind(q.sender)}`);
      if (q.type) where.push(typeFilter(q.type, bind));
      if (q.text) where.push(`contains(lower(m.text), lower(${bind(q.text)}))`);
    } else if (q.type && dataset === 'events') where.push(`m.event_type = ${bind(q.type)}`);
    const desc = q.order === 'desc';
    if (q.cursor) {
      const [t, after] = this.cursors.decode(q.cursor, queryDigest(q)).after;
      const cmp = desc ? '<' : '>';
      const ts = `make_timestamptz(${bind(t * 1000)}::BIGINT)`;
      where.push(`(m.${time} ${cmp} ${ts} OR (m.${time} = ${ts} AND m.${id} ${cmp} ${bind(after)}))`);
    }
    const columns = selectColumns(dataset, q.columns);
    const scan = `read_parquet([${files.map((f) => sqlString(join(this.lakeDir, f.path))).join(', ')}], union_by_name = true) m`;
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const order = `ORDER BY m.${time} ${desc ? 'DESC' : 'ASC'}, m.${id} ${desc ? 'DESC' : 'ASC'}`;
    const limit = q.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(q.limit))}`;
    const select = (c: string) => (c === 'revoked' ? 'r.message_id IS NOT NULL AS revoked' : `m."${c}"`);
    if (dataset !== 'messages' || !columns.includes('revoked')) {
      return {
        sql: `SELECT ${columns.map(select).join(', ')} FROM ${scan}${filter} ${order}${limit}`,
        params,
      };
    }
    await this.loadRevocations();
    const revokedJoin = 'LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id';
    if (!limit)
      return {
        sql: `SELECT ${columns.map(select).join(', ')} FROM ${scan} ${revokedJoin}${filter} ${order}`,
        params,
      };
    // Limited: join the revocations to the page only, so DuckDB's top-N reads just the sort columns first.
    const inner = [...new Set([...columns.filter((c) => c !== 'revoked'), time, id, 'platform'])];
    const page = `(SELECT ${inner.map((c) => `m."${c}"`).join(', ')} FROM ${scan}${filter} ${order}${limit}) m`;
    return { sql: `SELECT ${columns.map(select).join(', ')} FROM ${page} ${revokedJoin} ${order}`, params };
  }

  /** Revocations live in the catalog; queries join them from a DuckDB temp table loaded once per process. */
  private async loadRevocations(): Promise<void> {
    if (this.revocationsLoaded) return;
    const rows = await this.catalog.revocations();
    await this.duck.run('CREATE OR REPLACE TEMP TABLE revocations (platform VARCHAR, message_id VARCHAR)');
    if (rows.length > 0) {
      const appender = await this.duck.createAppender('revocations', 'main', 'temp');
      for (let i = 0; i < rows.length; i += 2048) {
        const part = rows.slice(i, i + 2048);
        const chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR], part.length);
        chunk.setColumns([part.map((r) => r.platform), part.map((r) => r.messageId)]);
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      appender.closeSync();
    }
    this.revocationsLoaded = true;
  }
}

/** Groups files into runs in the query's order such that every row of a run comes strictly before (after,
 * for desc) every row of the next: files whose time ranges overlap or touch share a run. */
function timeDisjointRuns(files: readonly DataFileRow[], desc: boolean): DataFileRow[][] {
  const sorted = [...files].sort((a, b) => (desc ? b.maxTime - a.maxTime : a.minTime - b.minTime));
  const runs: DataFileRow[][] = [];
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

export function datasetColumns(dataset: Dataset): string[] {
  const names = LAKE_DATASETS[dataset].columns.map((c) => c.name);
  return dataset === 'messages' ? [...names, 'raw', 'revoked'] : [...names, 'raw'];
}

function selectColumns(dataset: Dataset, asked: string[] | undefined): string[] {
  const all = datasetColumns(dataset);
  if (!asked || asked.length === 0) return all.filter((c) => c !== 'raw');
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
  const { cursor, limit, columns, ...filters } = q;
  return createHash('sha256')
    .update(JSON.stringify(filters, Object.keys(filters).sort()))
    .digest('base64url')
    .slice(0, 22);
}
