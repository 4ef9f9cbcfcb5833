import { StatementType } from '@duckdb/node-api';
import { ChatlakeError } from '../core/errors.js';

/** The statement types `chatlake sql` runs. */
export const READ_ONLY: ReadonlySet<StatementType> = new Set([StatementType.SELECT, StatementType.EXPLAIN]);

/** A statement that would change something (refused as such when DuckDB cannot prepare it). */
export const WRITE_STATEMENT =
  /^\s*(insert|update|delete|create|drop|alter|copy|attach|detach|install|load|set|pragma|call|export|import|vacuum|checkpoint)\b/i;

/** COPY (query) TO 'file' [options], or COPY name TO 'file' [options]. */
export const COPY_TO =
  /^\s*COPY\s+(\([\s\S]*\)|[A-Za-z_][A-Za-z0-9_]*)\s+TO\s+'((?:[^']|'')+)'\s*(\([\s\S]*\))?\s*;?\s*$/i;

/**
 * The text of each statement of a script (DuckDB counted them): split at semicolons outside quotes and
 * comments; when that finds another count, the whole text stands for each (only COPY detection uses it).
 */
export function splitStatements(sql: string, count: number): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === ';') {
      out.push(sql.slice(start, i + 1));
      start = i + 1;
    }
  }
  out.push(sql.slice(start));
  const statements = out.filter(
    (s) =>
      s
        .replace(/--[^\n]*/g, '')
        .trim()
        .replace(/^;$/, '') !== '',
  );
  return statements.length === count ? statements : Array(count).fill(count === 1 ? sql : '');
}

/** The refusal of a statement that is not read-only. */
export const readOnly = () =>
  new ChatlakeError(
    'invalid_argument',
    'only SELECT (and EXPLAIN) statements run here: the lake is read-only through chatlake sql',
    'to change data, use chatlake ingest / compact; to export, use chatlake query --format parquet',
  );
