import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import { ChatlakeError } from '../core/errors.js';
import type { DialectTraits } from './dialect-traits.js';
import { migrations } from './migrations/migrations.js';

/** Brings a catalog database up to the newest schema (from empty or any earlier version). */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on a database of any schema
export async function migrateCatalog(db: Kysely<any>, traits: DialectTraits): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(traits) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    throw new ChatlakeError(
      'internal',
      `catalog migration failed: ${error instanceof Error ? error.message : error}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
