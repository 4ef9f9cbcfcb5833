import type { DialectTraits } from '../dialect-traits.js';

export const sqliteTraits: DialectTraits = {
  name: 'sqlite',
  autoId: (c) => c.primaryKey().autoIncrement(),
  blobType: 'blob',
  clusteredKeySuffix: 'without rowid',
  maxParams: 32_766,
  least: 'min',
  greatest: 'max',
  bulkRows: 'values',
  bytewiseText: (c) => c, // SQLite's default collation (BINARY) already is
  placeholder: () => '?',
  lockTable: () => null,
  beginWrite: 'begin immediate',
};
