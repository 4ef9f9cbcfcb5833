import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialect-traits.js';
import type { CatalogSchema } from '../schema.js';

/**
 * What every catalog SQL function runs on: the database handle (the pool, or one transaction's connection)
 * and the backend's traits. The modules beside this one hold the SQL, one per table group, as small functions.
 */
export interface CatalogSql {
  readonly db: Kysely<CatalogSchema>;
  readonly traits: DialectTraits;
}

export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Code-unit order of keys. Writers touch shared rows in this order, so concurrent writers never deadlock. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
