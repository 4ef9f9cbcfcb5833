import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectTraits } from './dialect-traits.js';

/** A column of a bulk insert: its name and SQL type (the type casts the per-column arrays of `arrays` backends). */
export type BulkColumn = readonly [
  name: string,
  type: 'text' | 'integer' | 'bigint' | 'double precision' | 'blob' | 'bytea',
];

/** A column with one value for every row (e.g. the dataset of a key claim): sent once where the backend can. */
export type FixedColumn = readonly [name: string, type: BulkColumn[1], value: unknown];

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
  fixed: readonly FixedColumn[] = [],
): Promise<R[]> {
  if (rows.length === 0) return [];
  const names = [...fixed, ...columns].map(([name]) => `"${name}"`).join(', ');
  const head = `insert into "${table}" (${names}) `;
  const statements =
    traits.bulkRows === 'arrays'
      ? arrayStatements(traits, fixed, columns, rows)
      : valuesStatements(traits, fixed, columns, rows);
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
  fixed: readonly FixedColumn[],
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
): Generator<Statement> {
  const perStatement = Math.max(1, Math.floor(traits.maxParams / (fixed.length + columns.length)));
  const fixedValues = fixed.map(([, , value]) => value);
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows.slice(start, start + perStatement)) {
      const marks: string[] = [];
      for (const value of [...fixedValues, ...row]) marks.push(traits.placeholder(params.push(value) - 1));
      tuples.push(`(${marks.join(', ')})`);
    }
    yield { rowsSql: `values ${tuples.join(', ')}`, params };
  }
}

function* arrayStatements(
  traits: DialectTraits,
  fixed: readonly FixedColumn[],
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
): Generator<Statement> {
  const scalars = fixed.map(([, type], j) => `cast(${traits.placeholder(j)} as ${type})`);
  const arrays = columns.map(([, type], j) => `cast(${traits.placeholder(fixed.length + j)} as ${type}[])`);
  const params = [...fixed.map(([, , value]) => value), ...columns.map((_, j) => rows.map((row) => row[j]))];
  const select = [...scalars, 'r.*'].join(', ');
  yield { rowsSql: `select ${select} from unnest(${arrays.join(', ')}) as r`, params };
}
