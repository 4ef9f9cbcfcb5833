import { createHash } from 'node:crypto';
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Quarantine entries get an identity: the sha256 of their exact bytes. The same bad payload read again (stdin
 * twice, a renamed copy of a log, a webhook retried) bumps its entry's `seen` and `last_seen_at` instead of
 * adding one. Entries can be dismissed (closed, kept, with a reason). Existing entries are hashed here; copies
 * of the same bytes are folded into the oldest (seen = how many there were; open if any copy was open).
 */
export const quarantineIdentity = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('quarantine').addColumn('content_hash', 'text').execute();
    await db.schema
      .alterTable('quarantine')
      .addColumn('seen', 'bigint', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('quarantine').addColumn('last_seen_at', 'bigint').execute();
    await db.schema.alterTable('quarantine').addColumn('dismiss_reason', 'text').execute();
    const kept = new Map<
      string,
      { id: number; seen: number; lastSeen: number; open: boolean; drop: number[] }
    >();
    let afterId = 0;
    for (;;) {
      const page = await sql<{ id: unknown; raw: Uint8Array; created_at: unknown; status: string }>`
        select id, raw, created_at, status from quarantine where id > ${afterId} order by id limit 1000`.execute(
        db,
      );
      if (page.rows.length === 0) break;
      for (const r of page.rows) {
        const id = Number(r.id);
        afterId = id;
        const hash = createHash('sha256').update(r.raw).digest('hex');
        const k = kept.get(hash);
        if (!k) {
          kept.set(hash, {
            id,
            seen: 1,
            lastSeen: Number(r.created_at),
            open: r.status === 'open',
            drop: [],
          });
          await sql`update quarantine set content_hash = ${hash}, last_seen_at = created_at where id = ${id}`.execute(
            db,
          );
          continue;
        }
        k.seen++;
        k.lastSeen = Math.max(k.lastSeen, Number(r.created_at));
        k.open ||= r.status === 'open';
        k.drop.push(id);
      }
    }
    for (const k of kept.values()) {
      if (k.drop.length === 0) continue;
      for (let i = 0; i < k.drop.length; i += 500) {
        const ids = k.drop.slice(i, i + 500);
        await sql`delete from quarantine where id in (${sql.join(ids)})`.execute(db);
      }
      await sql`update quarantine set seen = ${k.seen}, last_seen_at = ${k.lastSeen} where id = ${k.id}`.execute(
        db,
      );
      if (k.open)
        await sql`update quarantine set status = 'open', resolved_at = null where id = ${k.id}`.execute(db);
    }
    await db.schema
      .createIndex('quarantine_content')
      .unique()
      .on('quarantine')
      .column('content_hash')
      .execute();
  },
});
