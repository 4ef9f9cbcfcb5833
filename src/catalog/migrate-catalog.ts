import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import { ChatlakeError } from '../core/errors.js';
import type { MigrationReport } from './catalog.js';
import type { DialectTraits } from './dialect-traits.js';
import { migrations } from './migrations/migrations.js';

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on a database of any schema
type AnyDb = Kysely<any>;

/** Brings a catalog database up to the newest schema (from empty or any earlier version). */
export async function migrateCatalog(db: AnyDb, traits: DialectTraits): Promise<MigrationReport> {
  const migrator = catalogMigrator(db, traits);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new ChatlakeError(
      'internal',
      `catalog migration failed: ${error instanceof Error ? error.message : error}`,
    );
  }
  const ran = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const applied = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  return { ran, applied };
}

function catalogMigrator(db: AnyDb, traits: DialectTraits): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(traits) };
  return new Migrator({ db, provider });
}
