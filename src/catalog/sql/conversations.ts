import { type Selectable, sql } from 'kysely';
import type { ConversationRow } from '../catalog.js';
import type { CatalogSchema } from '../schema.js';
import type { ConversationFilter, ConversationInfo, NewConversation } from '../service-catalog.js';
import { type CatalogSql, compareKeys, num, numOrNull } from './catalog-sql.js';

export async function conversations({ db }: CatalogSql): Promise<ConversationRow[]> {
  const rows = await db.selectFrom('conversations').selectAll().orderBy('last_at', 'desc').execute();
  return rows.map((r) => ({
    platform: r.platform,
    conversationId: r.conversation_id,
    isGroup: num(r.is_group) === 1,
    firstAt: num(r.first_at),
    lastAt: num(r.last_at),
    messageCount: num(r.message_count),
  }));
}

export async function conversation(
  { db }: CatalogSql,
  platform: string,
  conversationId: string,
): Promise<ConversationInfo | null> {
  const r = await db
    .selectFrom('conversations')
    .selectAll()
    .where('platform', '=', platform)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return r ? toConversation(r) : null;
}

export async function listConversations(
  { db }: CatalogSql,
  f: ConversationFilter,
): Promise<ConversationInfo[]> {
  let q = db
    .selectFrom('conversations')
    .selectAll()
    .orderBy('last_at', 'desc')
    .orderBy('platform', 'desc')
    .orderBy('conversation_id', 'desc')
    .limit(f.limit);
  if (f.platform) q = q.where('platform', '=', f.platform);
  if (f.isGroup !== undefined) q = q.where('is_group', '=', f.isGroup ? 1 : 0);
  if (f.before) {
    const b = f.before;
    q = q.where(
      sql<boolean>`(last_at, platform, conversation_id) < (${b.lastAt}, ${b.platform}, ${b.conversationId})`,
    );
  }
  return (await q.execute()).map(toConversation);
}

/** Adds stored messages to their conversations' coverage (count, first/last), creating the rows as needed. */
export async function touchConversations(
  { db, traits }: CatalogSql,
  rows: readonly ConversationRow[],
): Promise<void> {
  const { least, greatest } = traits;
  // Key order: concurrent writers then lock the rows they share in the same order (no deadlock).
  const ordered = [...rows].sort((a, b) =>
    compareKeys(`${a.platform}\u0000${a.conversationId}`, `${b.platform}\u0000${b.conversationId}`),
  );
  for (let i = 0; i < ordered.length; i += 500) {
    await db
      .insertInto('conversations')
      .values(
        ordered.slice(i, i + 500).map((r) => ({
          platform: r.platform,
          conversation_id: r.conversationId,
          is_group: r.isGroup ? 1 : 0,
          first_at: r.firstAt,
          last_at: r.lastAt,
          message_count: r.messageCount,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['platform', 'conversation_id']).doUpdateSet({
          // A conversation created empty (through the API) holds its creation time: its first message replaces it.
          first_at: sql`case when conversations.message_count = 0 then excluded.first_at else ${sql.raw(least)}(conversations.first_at, excluded.first_at) end`,
          last_at: sql`case when conversations.message_count = 0 then excluded.last_at else ${sql.raw(greatest)}(conversations.last_at, excluded.last_at) end`,
          message_count: sql`conversations.message_count + excluded.message_count`,
        }),
      )
      .execute();
  }
}

/** Sets conversations' coverage (count, first/last) to these values, where the row exists. */
export async function setConversationStats(
  { db }: CatalogSql,
  rows: readonly ConversationRow[],
): Promise<void> {
  const ordered = [...rows].sort((a, b) =>
    compareKeys(`${a.platform}\u0000${a.conversationId}`, `${b.platform}\u0000${b.conversationId}`),
  );
  for (const r of ordered) {
    await db
      .updateTable('conversations')
      .set({ message_count: r.messageCount, first_at: r.firstAt, last_at: r.lastAt })
      .where('platform', '=', r.platform)
      .where('conversation_id', '=', r.conversationId)
      .execute();
  }
}

/** Creates a conversation; false if it exists already. */
export async function createConversation({ db }: CatalogSql, c: NewConversation): Promise<boolean> {
  const r = await db
    .insertInto('conversations')
    .values({
      platform: c.platform,
      conversation_id: c.conversationId,
      is_group: c.isGroup ? 1 : 0,
      first_at: c.createdAt,
      last_at: c.createdAt,
      message_count: 0,
      metadata: c.metadata,
      created_at: c.createdAt,
      updated_at: c.createdAt,
    })
    .onConflict((oc) => oc.columns(['platform', 'conversation_id']).doNothing())
    .executeTakeFirst();
  return num(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateConversationMetadata(
  { db }: CatalogSql,
  platform: string,
  conversationId: string,
  metadata: string,
): Promise<boolean> {
  const r = await db
    .updateTable('conversations')
    .set({ metadata, updated_at: Date.now() })
    .where('platform', '=', platform)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return num(r.numUpdatedRows) > 0;
}

function toConversation(r: Selectable<CatalogSchema['conversations']>): ConversationInfo {
  return {
    platform: r.platform,
    conversationId: r.conversation_id,
    isGroup: num(r.is_group) === 1,
    firstAt: num(r.first_at),
    lastAt: num(r.last_at),
    messageCount: num(r.message_count),
    metadata: r.metadata,
    createdAt: numOrNull(r.created_at),
    updatedAt: numOrNull(r.updated_at),
  };
}
