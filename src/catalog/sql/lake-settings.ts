import type { CatalogSql } from './catalog-sql.js';

/** A lake setting (such as `timeZone`), or null when none was saved. */
export async function setting({ db }: CatalogSql, key: string): Promise<string | null> {
  const r = await db.selectFrom('lake_settings').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value ?? null;
}

export async function saveSetting({ db }: CatalogSql, key: string, value: string): Promise<void> {
  await db
    .insertInto('lake_settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
