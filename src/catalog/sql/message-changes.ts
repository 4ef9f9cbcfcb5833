import { type Selectable, sql } from 'kysely';
import type { CatalogSchema } from '../schema.js';
import type {
  MessageAckRow,
  MessageChangeKind,
  MessageChangeRow,
  NewMessageChange,
} from '../service-catalog.js';
import { type CatalogSql, num, numOrNull } from './catalog-sql.js';

/** Every change of these messages, oldest first. */
export async function messageChanges(
  { db }: CatalogSql,
  platform: string,
  messageIds: readonly string[],
): Promise<MessageChangeRow[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .selectFrom('message_changes')
    .selectAll()
    .where('platform', '=', platform)
    .where('message_id', 'in', [...messageIds])
    .orderBy('message_id')
    .orderBy('version')
    .execute();
  return rows.map(toChange);
}

/** Every message change, by platform, message and version (reads build the current view from them). */
export async function allMessageChanges({ db }: CatalogSql): Promise<MessageChangeRow[]> {
  const rows = await db
    .selectFrom('message_changes')
    .selectAll()
    .orderBy('platform')
    .orderBy('message_id')
    .orderBy('version')
    .execute();
  return rows.map(toChange);
}

/** How many message changes there are: they are only ever added, so the count versions them. */
export async function messageChangeCount({ db }: CatalogSql): Promise<number> {
  const r = await db
    .selectFrom('message_changes')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return num(r?.n ?? 0);
}

/** Appends a change as the message's next version; returns the version. */
export async function addMessageChange({ db }: CatalogSql, c: NewMessageChange): Promise<number> {
  const last = await db
    .selectFrom('message_changes')
    .select((eb) => eb.fn.max<number>('version').as('v'))
    .where('platform', '=', c.platform)
    .where('message_id', '=', c.messageId)
    .executeTakeFirst();
  const version = num(last?.v ?? 0) + 1;
  await db
    .insertInto('message_changes')
    .values({
      platform: c.platform,
      message_id: c.messageId,
      version,
      change: c.change,
      text: c.text,
      actor: c.actor,
      at: c.at,
    })
    .execute();
  return version;
}

export async function messageAcks(
  { db }: CatalogSql,
  platform: string,
  messageId: string,
): Promise<MessageAckRow[]> {
  const rows = await db
    .selectFrom('message_acks')
    .selectAll()
    .where('platform', '=', platform)
    .where('message_id', '=', messageId)
    .orderBy('participant_id')
    .execute();
  return rows.map((r) => ({
    platform: r.platform,
    messageId: r.message_id,
    participantId: r.participant_id,
    deliveredAt: numOrNull(r.delivered_at),
    readAt: numOrNull(r.read_at),
  }));
}

export async function ackMessage({ db, traits }: CatalogSql, a: MessageAckRow): Promise<void> {
  const { least } = traits;
  await db
    .insertInto('message_acks')
    .values({
      platform: a.platform,
      message_id: a.messageId,
      participant_id: a.participantId,
      delivered_at: a.deliveredAt,
      read_at: a.readAt,
    })
    .onConflict((oc) =>
      oc.columns(['platform', 'message_id', 'participant_id']).doUpdateSet({
        delivered_at: sql`coalesce(${sql.raw(least)}(message_acks.delivered_at, excluded.delivered_at), message_acks.delivered_at, excluded.delivered_at)`,
        read_at: sql`coalesce(${sql.raw(least)}(message_acks.read_at, excluded.read_at), message_acks.read_at, excluded.read_at)`,
      }),
    )
    .execute();
}

function toChange(r: Selectable<CatalogSchema['message_changes']>): MessageChangeRow {
  return {
    platform: r.platform,
    messageId: r.message_id,
    version: num(r.version),
    change: r.change as MessageChangeKind,
    text: r.text,
    actor: r.actor,
    at: num(r.at),
  };
}
