import type { ColumnDefinitionBuilder } from 'kysely';

/** What differs between catalog backends, as data: migrations and queries read these, never a backend name. */
export interface DialectTraits {
  readonly name: string;
  /** Makes an integer column an auto-assigned primary key. */
  readonly autoId: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  readonly blobType: 'blob' | 'bytea';
  /** Appended to CREATE TABLE of composite-key lookup tables. */
  readonly clusteredKeySuffix: string;
  /** Most bind parameters one statement may carry. */
  readonly maxParams: number;
  /** The two-argument scalar min/max functions (SQLite: min/max, PostgreSQL: least/greatest). */
  readonly least: string;
  readonly greatest: string;
  /** How hand-built bulk inserts carry rows: a VALUES list of placeholders, or one array per column (unnest). */
  readonly bulkRows: 'values' | 'arrays';
  /** Makes a text column compare byte by byte (identity keys): no locale-aware collation on hot indexes. */
  readonly bytewiseText: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** The bind placeholder for the i-th parameter (0-based) in hand-built bulk statements. */
  readonly placeholder: (i: number) => string;
  /** A statement that holds a table against other writers until the transaction ends (null: writes are already serial). */
  readonly lockTable: (table: string) => string | null;
  /** Starts a write transaction that takes the write lock at once (no later lock upgrade to fail). */
  readonly beginWrite: string;
}
