import type { ParticipantRow } from '../service-catalog.js';
import { type CatalogSql, num } from './catalog-sql.js';

export async function participants(
  { db }: CatalogSql,
  platform: string,
  conversationId: string,
): Promise<ParticipantRow[]> {
  const rows = await db
    .selectFrom('participants')
    .selectAll()
    .where('platform', '=', platform)
    .where('conversation_id', '=', conversationId)
    .orderBy('joined_at')
    .orderBy('participant_id')
    .execute();
  return rows.map((r) => ({
    platform: r.platform,
    conversationId: r.conversation_id,
    participantId: r.participant_id,
    role: r.role,
    joinedAt: num(r.joined_at),
  }));
}

export async function upsertParticipants({ db }: CatalogSql, rows: readonly ParticipantRow[]): Promise<void> {
  for (const p of rows) {
    await db
      .insertInto('participants')
      .values({
        platform: p.platform,
        conversation_id: p.conversationId,
        participant_id: p.participantId,
        role: p.role,
        joined_at: p.joinedAt,
      })
      .onConflict((oc) =>
        oc.columns(['platform', 'conversation_id', 'participant_id']).doUpdateSet({ role: p.role }),
      )
      .execute();
  }
}

export async function removeParticipant(
  { db }: CatalogSql,
  platform: string,
  conversationId: string,
  participantId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('participants')
    .where('platform', '=', platform)
    .where('conversation_id', '=', conversationId)
    .where('participant_id', '=', participantId)
    .executeTakeFirst();
  return num(r.numDeletedRows) > 0;
}
