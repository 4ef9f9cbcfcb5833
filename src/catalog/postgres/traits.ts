import { sql } from 'kysely';
import type { DialectTraits } from '../dialect-traits.js';

export const postgresTraits: DialectTraits = {
  name: 'postgres',
  autoId: (c) => c.generatedByDefaultAsIdentity().primaryKey(),
  blobType: 'bytea',
  clusteredKeySuffix: '',
  maxParams: 65_535,
  least: 'least',
  greatest: 'greatest',
  bulkRows: 'arrays',
  bytewiseText: (c) => c.modifyFront(sql`collate "C"`),
  placeholder: (i) => `$${i + 1}`,
  lockTable: (table) => `lock table "${table}" in share row exclusive mode`,
  // Row locks and ON CONFLICT make concurrent writers safe under READ COMMITTED: a claim of a key another
  // transaction is inserting waits for it, counters are updated in place. No table lock up front.
  beginWrite: 'begin isolation level read committed',
};
