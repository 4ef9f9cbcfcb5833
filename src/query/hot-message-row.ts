import type { Message } from '../core/message.js';
import { MESSAGE_COLUMNS } from '../lake/lake-columns.js';
import type { QueryRow } from './message-query.js';

/**
 * A hot-tier message as DuckDB returns it from the hot table (the same columns, values and types: times as
 * Dates), without `revoked`: what a window extended from the hot tier alone appends.
 */
export function hotMessageRow(record: Message, columns: readonly string[]): QueryRow {
  const row: QueryRow = {};
  for (const name of columns) {
    if (name === 'raw') row.raw = record.raw;
    const c = MESSAGE_COLUMNS.find((x) => x.name === name);
    if (!c) continue;
    // A field missing from an older stored record reads as null, as DuckDB's column would.
    const v = c.get(record) ?? null;
    row[name] = c.type === 'TIMESTAMPTZ' && v !== null ? new Date(v as number) : v;
  }
  return row;
}
