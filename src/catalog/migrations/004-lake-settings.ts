import type { Kysely, Migration } from 'kysely';

/** Settings the lake must keep the same for its whole life, such as the time zone its days are cut in. */
export const lakeSettings = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('lake_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
});
