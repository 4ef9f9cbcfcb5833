import type { Kysely } from 'kysely';
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
import * as audit from './sql/audit-log.js';
import type { CatalogSql } from './sql/catalog-sql.js';
import * as conversations from './sql/conversations.js';
import * as hot from './sql/hot-records.js';
import * as idempotency from './sql/idempotency-keys.js';
import * as changes from './sql/message-changes.js';
import * as participants from './sql/participants.js';
import * as tokens from './sql/tokens.js';

/** The service half of the catalog's reads, over any Kysely dialect: each method runs one of `sql/`'s functions. */
export class KyselyServiceReader implements ServiceCatalog, CatalogSql {
  constructor(
    readonly db: Kysely<CatalogSchema>,
    readonly traits: DialectTraits,
  ) {}

  hotRecords(f: HotFilter): Promise<HotRecordRow[]> {
    return hot.hotRecords(this, f);
  }
  hotSummary(f: HotFilter = {}): Promise<HotSummary> {
    return hot.hotSummary(this, f);
  }
  conversation(platform: string, conversationId: string): Promise<ConversationInfo | null> {
    return conversations.conversation(this, platform, conversationId);
  }
  listConversations(f: ConversationFilter): Promise<ConversationInfo[]> {
    return conversations.listConversations(this, f);
  }
  participants(platform: string, conversationId: string): Promise<ParticipantRow[]> {
    return participants.participants(this, platform, conversationId);
  }
  messageChanges(platform: string, messageIds: readonly string[]): Promise<MessageChangeRow[]> {
    return changes.messageChanges(this, platform, messageIds);
  }
  messageAcks(platform: string, messageId: string): Promise<MessageAckRow[]> {
    return changes.messageAcks(this, platform, messageId);
  }
  tokenByHash(hash: string): Promise<TokenRow | null> {
    return tokens.tokenByHash(this, hash);
  }
  tokens(): Promise<TokenRow[]> {
    return tokens.tokens(this);
  }
  auditLog(): Promise<AuditRow[]> {
    return audit.auditLog(this);
  }
  auditEntries(f: AuditFilter): Promise<AuditRow[]> {
    return audit.auditEntries(this, f);
  }
  allMessageChanges(): Promise<MessageChangeRow[]> {
    return changes.allMessageChanges(this);
  }
  messageChangeCount(): Promise<number> {
    return changes.messageChangeCount(this);
  }
}

/** The service half of what one catalog transaction may do (`db` is the transaction's connection). */
export class KyselyServiceWriter implements ServiceWriter, CatalogSql {
  constructor(
    readonly db: Kysely<CatalogSchema>,
    readonly traits: DialectTraits,
  ) {}

  addHotRecords(rows: readonly NewHotRecord[]): Promise<void> {
    return hot.addHotRecords(this, rows);
  }
  removeHotRecords(ids: readonly number[]): Promise<number> {
    return hot.removeHotRecords(this, ids);
  }
  createConversation(c: NewConversation): Promise<boolean> {
    return conversations.createConversation(this, c);
  }
  updateConversationMetadata(platform: string, conversationId: string, metadata: string): Promise<boolean> {
    return conversations.updateConversationMetadata(this, platform, conversationId, metadata);
  }
  upsertParticipants(rows: readonly ParticipantRow[]): Promise<void> {
    return participants.upsertParticipants(this, rows);
  }
  removeParticipant(platform: string, conversationId: string, participantId: string): Promise<boolean> {
    return participants.removeParticipant(this, platform, conversationId, participantId);
  }
  addMessageChange(c: NewMessageChange): Promise<number> {
    return changes.addMessageChange(this, c);
  }
  ackMessage(ack: MessageAckRow): Promise<void> {
    return changes.ackMessage(this, ack);
  }
  addToken(t: NewToken): Promise<number> {
    return tokens.addToken(this, t);
  }
  revokeToken(id: number, at: number): Promise<boolean> {
    return tokens.revokeToken(this, id, at);
  }
  claimIdempotency(
    scope: string,
    key: string,
    requestHash: string,
    at: number,
  ): Promise<IdempotencyRow | null> {
    return idempotency.claimIdempotency(this, scope, key, requestHash, at);
  }
  completeIdempotency(scope: string, key: string, status: number, body: string): Promise<void> {
    return idempotency.completeIdempotency(this, scope, key, status, body);
  }
  releaseIdempotency(scope: string, key: string): Promise<void> {
    return idempotency.releaseIdempotency(this, scope, key);
  }
  purgeIdempotency(olderThan: number): Promise<number> {
    return idempotency.purgeIdempotency(this, olderThan);
  }
  appendAudit(entry: NewAuditEntry): Promise<AuditRow> {
    return audit.appendAudit(this, entry);
  }
}
