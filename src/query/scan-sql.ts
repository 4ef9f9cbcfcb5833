import { join } from 'node:path';
import { ChatlakeError } from '../core/errors.js';
import { MESSAGE_KINDS } from '../core/message.js';
import { sqlString } from '../lake/duckdb-engine.js';
import { SORT_KEY, selectColumns } from './dataset-columns.js';
import type { Keyset } from './keyset-page.js';
import type { MessageQuery } from './message-query.js';

/** A statement and its parameters. */
export interface Plan {
  sql: string;
  params: (string | number | bigint)[];
}

/** Where rows come from: a registered Parquet file, or the hot tier's matching rows in a temp table. */
export type Source = { minTime: number; maxTime: number } & ({ path: string } | { table: string });

/** The join of the message states table (edits, deletes: see RowMarks.loadStates). */
const STATES_JOIN = 'LEFT JOIN message_states s ON s.platform = m.platform AND s.message_id = m.message_id';
const REVOKED_JOIN = 'LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id';

/** One relation `m` over the sources: the listed Parquet files and the hot table, by column name. */
export function scanRelation(lakeDir: string, sources: readonly Source[]): string {
  const paths = sources.flatMap((s) => ('path' in s ? [sqlString(join(lakeDir, s.path))] : []));
  const tables = sources.flatMap((s) => ('table' in s ? [s.table] : []));
  const parts = [
    ...(paths.length ? [`SELECT * FROM read_parquet([${paths.join(', ')}], union_by_name = true)`] : []),
    ...tables.map((t) => `SELECT * FROM ${t}`),
  ];
  return parts.length === 1 && paths.length === 1
    ? `read_parquet([${paths.join(', ')}], union_by_name = true) m`
    : `(${parts.join(' UNION ALL BY NAME ')}) m`;
}

export interface ScanOptions {
  lakeDir: string;
  /** Message changes exist: the `message_states` table is loaded and joined. */
  states: boolean;
  /** Continue after this key, in the query's order. */
  keyset: Keyset | undefined;
}

/**
 * The query's statement over the sources: filters pushed into the scan, its columns (edits applied through
 * the states' join), in (time, id) order. `revocations`: the statement joins the `revocations` table (an
 * unlimited read of `revoked`; a limited one leaves the column out and RowMarks.finishRows sets it).
 */
export function scanStatement(
  q: MessageQuery,
  sources: readonly Source[],
  { lakeDir, states, keyset }: ScanOptions,
): Plan & { revocations: boolean } {
  const dataset = q.dataset ?? 'messages';
  const { time, id } = SORT_KEY[dataset];
  const params: (string | number | bigint)[] = [];
  const bind = (v: string | number | bigint) => `$${params.push(v)}`;
  // Epoch ms to µs as a bigint: ms * 1000 as a double is inexact past the year 2255.
  const micros = (ms: number) => {
    if (!Number.isFinite(ms)) throw new ChatlakeError('invalid_argument', `not a time: ${ms}`);
    return bind(BigInt(Math.floor(ms)) * 1000n);
  };
  const columns = selectColumns(dataset, q.columns, q.includeDeleted);
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
  if (keyset) {
    const [t, after] = keyset;
    const cmp = desc ? '<' : '>';
    const ts = `make_timestamptz(${micros(t)}::BIGINT)`;
    where.push(`(m.${time} ${cmp} ${ts} OR (m.${time} = ${ts} AND m.${id} ${cmp} ${bind(after)}))`);
  }
  const scan = `${scanRelation(lakeDir, sources)}${states ? ` ${STATES_JOIN}` : ''}`;
  const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const order = `ORDER BY m.${time} ${desc ? 'DESC' : 'ASC'}, m.${id} ${desc ? 'DESC' : 'ASC'}`;
  const limit = q.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(q.limit))}`;
  const select = (names: readonly string[]) => names.map((c) => `${expr(c)} AS "${c}"`).join(', ');
  if (dataset !== 'messages' || !columns.includes('revoked')) {
    return {
      sql: `SELECT ${select(columns)} FROM ${scan}${filter} ${order}${limit}`,
      params,
      revocations: false,
    };
  }
  if (limit) {
    // A page: `revoked` is set after the read from the catalog (finishRows), which is cheaper than a join.
    const picked = [...new Set([...columns.filter((c) => c !== 'revoked'), 'platform', id])];
    return {
      sql: `SELECT ${select(picked)} FROM ${scan}${filter} ${order}${limit}`,
      params,
      revocations: false,
    };
  }
  return {
    sql: `SELECT ${select(columns)} FROM ${scan} ${REVOKED_JOIN}${filter} ${order}`,
    params,
    revocations: true,
  };
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
