import { sql } from 'kysely';
import type { Dataset } from '../../core/lake-record.js';
import type { SchemaVersionRow } from '../catalog.js';
import { type CatalogSql, num } from './catalog-sql.js';

export async function schemaVersions({ db }: CatalogSql, dataset?: Dataset): Promise<SchemaVersionRow[]> {
  let q = db.selectFrom('schema_versions').selectAll().orderBy('dataset').orderBy('version');
  if (dataset) q = q.where('dataset', '=', dataset);
  return (await q.execute()).map((r) => ({
    dataset: r.dataset as Dataset,
    version: num(r.version),
    fieldSet: r.field_set,
    columns: r.columns,
    firstSeenAt: num(r.first_seen_at),
  }));
}

/** The version of this field set, recording a new version if it was never seen. */
export async function schemaVersion(
  { db }: CatalogSql,
  dataset: Dataset,
  fieldSet: string,
  columns: string,
): Promise<number> {
  // Concurrent writers (other processes on a server database) may take the next number first: the insert
  // then does nothing, and the next round sees their row (a new statement sees what they committed).
  for (;;) {
    const found = await db
      .selectFrom('schema_versions')
      .select('version')
      .where('dataset', '=', dataset)
      .where('field_set', '=', fieldSet)
      .executeTakeFirst();
    if (found) return num(found.version);
    const inserted = await db
      .insertInto('schema_versions')
      .columns(['dataset', 'version', 'field_set', 'columns', 'first_seen_at'])
      .expression((eb) =>
        eb
          .selectFrom('schema_versions')
          .select([
            eb.val(dataset).as('dataset'),
            sql<number>`coalesce(max(version), 0) + 1`.as('version'),
            eb.val(fieldSet).as('field_set'),
            eb.val(columns).as('columns'),
            sql<number>`cast(${Date.now()} as bigint)`.as('first_seen_at'),
          ])
          .where('dataset', '=', dataset),
      )
      .onConflict((oc) => oc.doNothing())
      .returning('version')
      .executeTakeFirst();
    if (inserted) return num(inserted.version);
  }
}
