import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectTraits } from './dialect-traits.js';

/** A column of a bulk insert: its name and SQL type (the type casts the per-column arrays of `arrays` backends). */
export type BulkColumn = readonly [
  name: string,
  type: 'text' | 'integer' | 'bigint' | 'double precision' | 'blob' | 'bytea',
];

/**
 * Multi-row INSERTs built by hand: query-builder ASTs are too slow for bulk paths. The SQL is one text for every
 * backend; the traits say how rows travel: a VALUES list of placeholders (as many rows per statement as the
 * parameter limit allows), or one array parameter per column, unnested (one statement, a short text to parse).
 */
export async function bulkInsert<R = unknown>(
  // biome-ignore lint/suspicious/noExplicitAny: bulk statements run on a database of any schema
  db: Kysely<any>,
  traits: DialectTraits,
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<R[]> {
  if (rows.length === 0) return [];
  const head = `insert into "${table}" (${columns.map(([name]) => `"${name}"`).join(', ')}) `;
  const statements =
    traits.bulkRows === 'arrays'
      ? arrayStatements(traits, columns, rows)
      : valuesStatements(traits, columns, rows);
  const out: R[] = [];
  for (const { rowsSql, params } of statements) {
    const result = await db.executeQuery<R>(CompiledQuery.raw(`${head}${rowsSql} ${suffix}`, params));
    for (const r of result.rows) out.push(r);
  }
  return out;
}

interface Statement {
  rowsSql: string;
  params: unknown[];
}

function* valuesStatements(
  traits: DialectTraits,
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
): Generator<Statement> {
  const perStatement = Math.max(1, Math.floor(traits.maxParams / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows.slice(start, start + perStatement)) {
      const marks: string[] = [];
      for (const value of row) marks.push(traits.placeholder(params.push(value) - 1));
      tuples.push(`(${marks.join(', ')})`);
    }
    yield { rowsSql: `values ${tuples.join(', ')}`, params };
  }
}

function* arrayStatements(
  traits: DialectTraits,
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
): Generator<Statement> {
  const arrays = columns.map((_, j) => rows.map((row) => row[j]));
  const casts = columns.map(([, type], j) => `cast(${traits.placeholder(j)} as ${type}[])`);
  yield { rowsSql: `select * from unnest(${casts.join(', ')})`, params: arrays };
}
