import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { AUDIT_GENESIS, auditHash } from '../core/audit-hash.js';
import type { Dataset } from '../core/lake-record.js';
import { bulkInsert } from './bulk-insert.js';
import type { DialectTraits } from './dialect-traits.js';
import type { CatalogSchema } from './schema.js';
import type {
  AuditFilter,
  AuditRow,
  ConversationFilter,
  ConversationInfo,
  HotFilter,
  HotRecordRow,
  HotSummary,
  IdempotencyRow,
  MessageAckRow,
  MessageChangeKind,
  MessageChangeRow,
  NewAuditEntry,
  NewConversation,
  NewHotRecord,
  NewMessageChange,
  NewToken,
  ParticipantRow,
  ServiceCatalog,
  ServiceWriter,
  TokenRow,
} from './service-catalog.js';

type Db = Kysely<CatalogSchema>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The service half of the catalog's reads, over any Kysely dialect. */
export class KyselyServiceReader implements ServiceCatalog {
  constructor(
    readonly db: Db,
    readonly traits: DialectTraits,
  ) {}

  async hotRecords(f: HotFilter): Promise<HotRecordRow[]> {
    if (f.keys?.length === 0) return [];
    let q = matching(this.db.selectFrom('hot_records').selectAll(), f);
    if (f.afterId !== undefined) q = q.where('id', '>', f.afterId);
    if (f.before) q = q.where(sql<boolean>`(time, record_key) < (${f.before.time}, ${f.before.key})`);
    if (f.after) q = q.where(sql<boolean>`(time, record_key) > (${f.after.time}, ${f.after.key})`);
    const order = f.order ?? 'id';
    if (order === 'id') q = q.orderBy('id');
    else {
      const dir = order === 'time-asc' ? 'asc' : 'desc';
      q = q.orderBy('time', dir).orderBy('record_key', dir);
    }
    if (f.limit !== undefined) q = q.limit(f.limit);
    return (await q.execute()).map(toHot);
  }

  async hotSummary(f: HotFilter = {}): Promise<HotSummary> {
    if (f.keys?.length === 0) return { rows: 0, bytes: 0, oldestAcceptedAt: null, lastId: null };
    const r = await matching(
      this.db
        .selectFrom('hot_records')
        .select((eb) => [
          eb.fn.countAll().as('rows'),
          eb.fn.sum<number>('bytes').as('bytes'),
          eb.fn.min<number>('accepted_at').as('oldest'),
          eb.fn.max<number>('id').as('last'),
        ]),
      f,
    ).executeTakeFirstOrThrow();
    return {
      rows: num(r.rows),
      bytes: num(r.bytes ?? 0),
      oldestAcceptedAt: numOrNull(r.oldest),
      lastId: numOrNull(r.last),
    };
  }

  async conversation(platform: string, conversationId: string): Promise<ConversationInfo | null> {
    const r = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('platform', '=', platform)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return r ? toConversation(r) : null;
  }

  async listConversations(f: ConversationFilter): Promise<ConversationInfo[]> {
    let q = this.db
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

  async participants(platform: string, conversationId: string): Promise<ParticipantRow[]> {
    const rows = await this.db
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

  async messageChanges(platform: string, messageIds: readonly string[]): Promise<MessageChangeRow[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('message_changes')
      .selectAll()
      .where('platform', '=', platform)
      .where('message_id', 'in', [...messageIds])
      .orderBy('message_id')
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      platform: r.platform,
      messageId: r.message_id,
      version: num(r.version),
      change: r.change as MessageChangeKind,
      text: r.text,
      actor: r.actor,
      at: num(r.at),
    }));
  }

  async messageAcks(platform: string, messageId: string): Promise<MessageAckRow[]> {
    const rows = await this.db
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

  async tokenByHash(hash: string): Promise<TokenRow | null> {
    const r = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    return r ? toToken(r) : null;
  }

  async tokens(): Promise<TokenRow[]> {
    return (await this.db.selectFrom('api_tokens').selectAll().orderBy('id').execute()).map(toToken);
  }

  async idempotencyEntry(scope: string, key: string): Promise<IdempotencyRow | null> {
    const r = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    return r ? toIdempotency(r) : null;
  }

  async auditLog(): Promise<AuditRow[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    return rows.map(toAudit);
  }

  async auditEntries(f: AuditFilter): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id').limit(f.limit);
    if (f.afterId !== undefined) q = q.where('id', '>', f.afterId);
    if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
    if (f.action !== undefined) q = q.where('action', '=', f.action);
    if (f.target !== undefined) q = q.where('target', '=', f.target);
    return (await q.execute()).map(toAudit);
  }

  async allMessageChanges(): Promise<MessageChangeRow[]> {
    const rows = await this.db
      .selectFrom('message_changes')
      .selectAll()
      .orderBy('platform')
      .orderBy('message_id')
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      platform: r.platform,
      messageId: r.message_id,
      version: num(r.version),
      change: r.change as MessageChangeKind,
      text: r.text,
      actor: r.actor,
      at: num(r.at),
    }));
  }

  async messageChangeCount(): Promise<number> {
    const r = await this.db
      .selectFrom('message_changes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }
}

/** The service half of what one catalog transaction may do. */
export class KyselyServiceWriter implements ServiceWriter {
  constructor(
    protected readonly db: Db,
    protected readonly traits: DialectTraits,
  ) {}

  async addHotRecords(rows: readonly NewHotRecord[]): Promise<void> {
    await bulkInsert(
      this.db,
      this.traits,
      'hot_records',
      [
        ['dataset', 'text'],
        ['platform', 'text'],
        ['record_key', 'text'],
        ['partition', 'text'],
        ['time', 'bigint'],
        ['conversation_id', 'text'],
        ['record', 'text'],
        ['bytes', 'integer'],
        ['accepted_at', 'bigint'],
      ],
      rows.map((r) => [
        r.dataset,
        r.platform,
        r.recordKey,
        r.partition,
        r.time,
        r.conversationId,
        r.record,
        Buffer.byteLength(r.record),
        r.acceptedAt,
      ]),
    );
  }

  async removeHotRecords(ids: readonly number[]): Promise<number> {
    let removed = 0;
    const chunk = this.traits.maxParams - 1;
    for (let i = 0; i < ids.length; i += chunk) {
      const r = await this.db
        .deleteFrom('hot_records')
        .where('id', 'in', ids.slice(i, i + chunk))
        .executeTakeFirst();
      removed += num(r.numDeletedRows);
    }
    return removed;
  }

  async createConversation(c: NewConversation): Promise<boolean> {
    const r = await this.db
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

  async updateConversationMetadata(
    platform: string,
    conversationId: string,
    metadata: string,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('conversations')
      .set({ metadata, updated_at: Date.now() })
      .where('platform', '=', platform)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return num(r.numUpdatedRows) > 0;
  }

  async upsertParticipants(rows: readonly ParticipantRow[]): Promise<void> {
    for (const p of rows) {
      await this.db
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

  async removeParticipant(platform: string, conversationId: string, participantId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('participants')
      .where('platform', '=', platform)
      .where('conversation_id', '=', conversationId)
      .where('participant_id', '=', participantId)
      .executeTakeFirst();
    return num(r.numDeletedRows) > 0;
  }

  async addMessageChange(c: NewMessageChange): Promise<number> {
    const last = await this.db
      .selectFrom('message_changes')
      .select((eb) => eb.fn.max<number>('version').as('v'))
      .where('platform', '=', c.platform)
      .where('message_id', '=', c.messageId)
      .executeTakeFirst();
    const version = num(last?.v ?? 0) + 1;
    await this.db
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

  async ackMessage(a: MessageAckRow): Promise<void> {
    const { least } = this.traits;
    await this.db
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

  async addToken(t: NewToken): Promise<number> {
    const r = await this.db
      .insertInto('api_tokens')
      .values({ name: t.name, scopes: t.scopes.join(' '), token_hash: t.tokenHash, created_at: t.createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return num(r.id);
  }

  async revokeToken(id: number, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return num(r.numUpdatedRows) > 0;
  }

  async claimIdempotency(
    scope: string,
    key: string,
    requestHash: string,
    at: number,
  ): Promise<IdempotencyRow | null> {
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: requestHash, status: 'pending', created_at: at })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return null;
    const r = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    return toIdempotency(r);
  }

  async completeIdempotency(scope: string, key: string, status: number, body: string): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: 'done', response_status: status, response_body: body })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }

  async releaseIdempotency(scope: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status', '=', 'pending')
      .execute();
  }

  async purgeIdempotency(olderThan: number): Promise<number> {
    const r = await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', olderThan)
      .executeTakeFirst();
    return num(r.numDeletedRows);
  }

  async appendAudit(e: NewAuditEntry): Promise<AuditRow> {
    // One appender at a time, or two writers could both extend the same head and fork the chain.
    const lock = this.traits.lockTable('audit_log');
    if (lock) await sql.raw(lock).execute(this.db);
    const last = await this.db
      .selectFrom('audit_log')
      .select('hash')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const prevHash = last?.hash ?? AUDIT_GENESIS;
    const entry = {
      at: e.at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      detail: JSON.stringify(e.detail ?? null),
    };
    const hash = auditHash(prevHash, entry);
    const r = await this.db
      .insertInto('audit_log')
      .values({ ...entry, prev_hash: prevHash, hash })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: num(r.id), ...entry, prevHash, hash };
  }
}

/** The hot-record filter's conditions on what the rows are (dataset, platform, conversation, keys, time). */
function matching<Q extends SelectQueryBuilder<CatalogSchema, 'hot_records', object>>(q: Q, f: HotFilter): Q {
  let out = q;
  if (f.dataset) out = out.where('dataset', '=', f.dataset) as Q;
  if (f.platform) out = out.where('platform', '=', f.platform) as Q;
  if (f.conversationId !== undefined) out = out.where('conversation_id', '=', f.conversationId) as Q;
  if (f.keys) out = out.where('record_key', 'in', [...f.keys]) as Q;
  if (f.fromTime !== undefined) out = out.where('time', '>=', f.fromTime) as Q;
  if (f.toTime !== undefined) out = out.where('time', '<=', f.toTime) as Q;
  return out;
}

function toHot(r: Selectable<CatalogSchema['hot_records']>): HotRecordRow {
  return {
    id: num(r.id),
    dataset: r.dataset as Dataset,
    platform: r.platform,
    recordKey: r.record_key,
    partition: r.partition,
    time: num(r.time),
    conversationId: r.conversation_id,
    record: r.record,
    bytes: num(r.bytes),
    acceptedAt: num(r.accepted_at),
  };
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

function toToken(r: Selectable<CatalogSchema['api_tokens']>): TokenRow {
  return {
    id: num(r.id),
    name: r.name,
    scopes: r.scopes.split(' ').filter(Boolean),
    tokenHash: r.token_hash,
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

function toIdempotency(r: Selectable<CatalogSchema['idempotency_keys']>): IdempotencyRow {
  return {
    scope: r.scope,
    key: r.key,
    requestHash: r.request_hash,
    status: r.status as 'pending' | 'done',
    responseStatus: numOrNull(r.response_status),
    responseBody: r.response_body,
    createdAt: num(r.created_at),
  };
}

function toAudit(r: Selectable<CatalogSchema['audit_log']>): AuditRow {
  return {
    id: num(r.id),
    at: num(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
