import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectTraits } from './dialect-traits.js';

/**
 * Multi-row INSERTs built by hand: one statement per chunk of rows, as many rows as the backend's
 * parameter limit allows. Query-builder ASTs are too slow for bulk paths; the SQL is still one text for
 * every backend, only the placeholder differs.
 */
export async function bulkInsert<R = unknown>(
  db: Kysely<any>,
  traits: DialectTraits,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<R[]> {
  const out: R[] = [];
  const perStatement = Math.max(1, Math.floor(traits.maxParams / columns.length));
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const marks: string[] = [];
      for (const value of row) marks.push(traits.placeholder(params.push(value) - 1));
      tuples.push(`(${marks.join(', ')})`);
    }
    const result = await db.executeQuery<R>(
      CompiledQuery.raw(`${head}${tuples.join(', ')} ${suffix}`, params),
    );
    for (const r of result.rows) out.push(r);
  }
  return out;
}
