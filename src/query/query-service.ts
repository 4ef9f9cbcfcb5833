import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import type { HotFilter } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import { MESSAGE_KINDS } from '../core/message.js';
import { sqlString } from '../lake/duckdb-engine.js';
import { LAKE_DATASETS } from '../lake/lake-columns.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import type { CursorCodec } from './cursor-codec.js';
import type { MessageQuery, QueryRow } from './message-query.js';

const SHAPE: Record<Dataset, { time: string; id: string }> = {
  messages: { time: 'sent_at', id: 'message_id' },
  contacts: { time: 'observed_at', id: 'record_key' },
  events: { time: 'observed_at', id: 'record_key' },
};

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
  private hotTables = 0;

  constructor(
    private readonly duck: DuckDBConnection,
    private readonly writer: LakeWriter,
    private readonly catalog: Catalog,
    private readonly lakeDir: string,
    private readonly zone: LocalDay,
    private readonly cursors: CursorCodec,
  ) {}

  /** The codec of this data directory's cursors (the HTTP API signs its own page cursors with it). */
  get cursorCodec(): CursorCodec {
    return this.cursors;
  }

  /** Every matching row, in batches, in constant memory. */
  async *rows(q: MessageQuery): AsyncGenerator<QueryRow[]> {
    const plan = await this.plan(q);
    if (!plan) return;
    try {
      const result = await this.duck.stream(plan.sql, plan.params);
      for await (const batch of result.yieldRowObjectJs()) yield batch as QueryRow[];
    } finally {
      await plan.dispose();
    }
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
    try {
      const reader = await this.duck.runAndReadAll(
        `COPY (${plan.sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`,
        plan.params,
      );
      return Number(reader.getRows()[0]?.[0] ?? 0);
    } finally {
      await plan.dispose();
    }
  }

  /**
   * Messages by id: the catalog's identity index names each id's partition, so only those files are read;
   * ids still in the hot tier come from there.
   */
  async get(ids: readonly string[], platform = 'wechat'): Promise<QueryRow[]> {
    const partitions = [
      ...new Set((await this.catalog.keyPartitions('messages', platform, [...ids])).values()),
    ];
    const files = await this.catalog.dataFiles({ dataset: 'messages', partitions });
    const hot = await this.hotTable('messages', { dataset: 'messages', platform, keys: ids });
    const source = this.source(files, hot);
    if (!source) return [];
    try {
      await this.loadRevocations();
      const sql =
        `SELECT m.*, r.message_id IS NOT NULL AS revoked FROM ${source} m ` +
        `LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id ` +
        `WHERE m.platform = $1 AND m.message_id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`;
      const reader = await this.duck.runAndReadAll(sql, [platform, ...ids]);
      const found = new Map(reader.getRowObjectsJS().map((r) => [String(r.message_id), r as QueryRow]));
      return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    } finally {
      await this.dropHotTable(hot);
    }
  }

  /** The rows to scan: the listed files and the hot table, as one relation (null when there is neither). */
  private source(files: readonly { path: string }[], hot: string | null): string | null {
    const parquet =
      files.length === 0
        ? null
        : `read_parquet([${files.map((f) => sqlString(join(this.lakeDir, f.path))).join(', ')}], union_by_name = true)`;
    if (parquet && hot) return `(SELECT * FROM ${parquet} UNION ALL BY NAME SELECT * FROM ${hot})`;
    return parquet ?? hot;
  }

  /** Loads the hot-tier records matching the filter into a temp table (null when there are none). */
  private async hotTable(dataset: Dataset, filter: HotFilter): Promise<string | null> {
    const rows = await this.catalog.hotRecords(filter);
    if (rows.length === 0) return null;
    const table = `hot_${dataset}_${++this.hotTables}`;
    await this.writer.loadTable(
      dataset,
      rows.map((r) => JSON.parse(r.record) as { raw: string }),
      table,
    );
    return table;
  }

  private async dropHotTable(table: string | null): Promise<void> {
    if (table) await this.duck.run(`DROP TABLE IF EXISTS ${table}`);
  }

  private async plan(
    q: MessageQuery,
  ): Promise<{ sql: string; params: (string | number)[]; dispose(): Promise<void> } | null> {
    const dataset = q.dataset ?? 'messages';
    const { time, id } = SHAPE[dataset];
    const fromDay = q.from === undefined ? undefined : this.zone.dayOf(q.from);
    const toDay = q.to === undefined ? undefined : this.zone.dayOf(q.to - 1);
    const files = (
      await this.catalog.dataFiles({ dataset, fromPartition: fromDay, toPartition: toDay })
    ).filter(
      (f) => (q.from === undefined || f.maxTime >= q.from) && (q.to === undefined || f.minTime < q.to),
    );
    const hot = await this.hotTable(dataset, {
      dataset,
      platform: q.platform,
      conversationId: dataset === 'messages' ? q.conversation : undefined,
      fromTime: q.from,
      toTime: q.to === undefined ? undefined : q.to - 1,
    });
    const source = this.source(files, hot);
    if (!source) return null;
    const dispose = () => this.dropHotTable(hot);
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
    const keyset = q.keyset ?? (q.cursor ? this.cursors.decode(q.cursor, queryDigest(q)).after : null);
    if (keyset) {
      const [t, after] = keyset;
      const cmp = desc ? '<' : '>';
      const ts = `make_timestamptz(${bind(t * 1000)}::BIGINT)`;
      where.push(`(m.${time} ${cmp} ${ts} OR (m.${time} = ${ts} AND m.${id} ${cmp} ${bind(after)}))`);
    }
    const columns = selectColumns(dataset, q.columns);
    let from = `${source} m`;
    if (dataset === 'messages' && columns.includes('revoked')) {
      await this.loadRevocations();
      from += ' LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id';
    }
    const select = columns
      .map((c) => (c === 'revoked' ? 'r.message_id IS NOT NULL AS revoked' : `m."${c}"`))
      .join(', ');
    const order = `ORDER BY m.${time} ${desc ? 'DESC' : 'ASC'}, m.${id} ${desc ? 'DESC' : 'ASC'}`;
    const limit = q.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(q.limit))}`;
    const sql = `SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${order}${limit}`;
    return { sql, params, dispose };
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
  const { cursor, keyset, limit, columns, ...filters } = q;
  return createHash('sha256')
    .update(JSON.stringify(filters, Object.keys(filters).sort()))
    .digest('base64url')
    .slice(0, 22);
}
