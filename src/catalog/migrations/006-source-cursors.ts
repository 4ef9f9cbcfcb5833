import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A source's checkpoint becomes a cursor: text the catalog keeps and never reads, written and read by the cursor
 * kind of the source's framing (platforms/source-cursor.ts). The table is rebuilt (source_id, cursor,
 * updated_at); each row of the old columns becomes a file cursor, the JSON object
 * {offset, line, fileSize, fileId, headHash, tailHash} (platforms/file-cursor.ts), so a log goes on from where it
 * stopped. The encoding is written out here, not imported: this migration stays what it was when the cursor
 * changes.
 */
export const sourceCursors = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('source_cursors')
      .addColumn('source_id', 'integer', (c) => c.primaryKey().references('sources.id'))
      .addColumn('cursor', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    let afterId = -1;
    for (;;) {
      const page = await sql<OldCheckpoint>`
        select source_id, "offset", line, file_size, file_id, head_hash, tail_hash, updated_at from checkpoints
        where source_id > ${afterId} order by source_id limit 1000`.execute(db);
      if (page.rows.length === 0) break;
      for (const r of page.rows) {
        afterId = Number(r.source_id);
        const cursor = JSON.stringify({
          offset: Number(r.offset),
          line: Number(r.line),
          fileSize: Number(r.file_size),
          fileId: r.file_id,
          headHash: r.head_hash,
          tailHash: r.tail_hash,
        });
        await sql`insert into source_cursors (source_id, cursor, updated_at)
          values (${afterId}, ${cursor}, ${Number(r.updated_at)})`.execute(db);
      }
    }
    await db.schema.dropTable('checkpoints').execute();
    await db.schema.alterTable('source_cursors').renameTo('checkpoints').execute();
  },
});

interface OldCheckpoint {
  source_id: unknown;
  offset: unknown;
  line: unknown;
  file_size: unknown;
  file_id: string | null;
  head_hash: string | null;
  tail_hash: string | null;
  updated_at: unknown;
}
