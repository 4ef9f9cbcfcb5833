import type { Conversation } from '../core/conversation.js';
import type { Dataset } from '../core/lake-record.js';

/** The catalog's service half: the hot tier, conversation metadata, message changes, tokens, idempotency, audit. */
export interface ServiceCatalog {
  /** Hot records in acceptance order (compaction), or filtered by conversation/time/keys (reads). */
  hotRecords(filter: HotFilter): Promise<HotRecordRow[]>;
  /** Totals of the hot records matching the filter's conversation/time/keys (all of them without one). */
  hotSummary(filter?: HotFilter): Promise<HotSummary>;

  conversation(platform: string, conversationId: string): Promise<ConversationInfo | null>;
  listConversations(filter: ConversationFilter): Promise<ConversationInfo[]>;
  participants(platform: string, conversationId: string): Promise<ParticipantRow[]>;
  /** Every change of these messages, oldest first. */
  messageChanges(platform: string, messageIds: readonly string[]): Promise<MessageChangeRow[]>;
  messageAcks(platform: string, messageId: string): Promise<MessageAckRow[]>;

  tokenByHash(hash: string): Promise<TokenRow | null>;
  tokens(): Promise<TokenRow[]>;
  auditLog(): Promise<AuditRow[]>;
  /** A page of the audit log, oldest first: entries after `afterId` matching the filters, at most `limit`. */
  auditEntries(filter: AuditFilter): Promise<AuditRow[]>;
  /** Every message change, by platform, message and version (reads build the current view from them). */
  allMessageChanges(): Promise<MessageChangeRow[]>;
  /** How many message changes there are: they are only ever added, so the count versions them. */
  messageChangeCount(): Promise<number>;
}

export interface ServiceWriter {
  addHotRecords(rows: readonly NewHotRecord[]): Promise<void>;
  /** Removes hot records (their rows are now in a registered file); returns how many were still there. */
  removeHotRecords(ids: readonly number[]): Promise<number>;

  /** Creates a conversation; false if it exists already. */
  createConversation(c: NewConversation): Promise<boolean>;
  updateConversationMetadata(platform: string, conversationId: string, metadata: string): Promise<boolean>;
  upsertParticipants(rows: readonly ParticipantRow[]): Promise<void>;
  removeParticipant(platform: string, conversationId: string, participantId: string): Promise<boolean>;
  /** Appends a change as the message's next version; returns the version. */
  addMessageChange(c: NewMessageChange): Promise<number>;
  ackMessage(ack: MessageAckRow): Promise<void>;

  addToken(t: NewToken): Promise<number>;
  revokeToken(id: number, at: number): Promise<boolean>;
  /** Inserts a pending key; returns the entry already there instead if the key exists. */
  claimIdempotency(
    scope: string,
    key: string,
    requestHash: string,
    at: number,
  ): Promise<IdempotencyRow | null>;
  completeIdempotency(scope: string, key: string, status: number, body: string): Promise<void>;
  releaseIdempotency(scope: string, key: string): Promise<void>;
  purgeIdempotency(olderThan: number): Promise<number>;
  /** Appends to the hash chain: hash = sha256(prev_hash + the entry). */
  appendAudit(entry: NewAuditEntry): Promise<AuditRow>;
}

export interface HotFilter {
  dataset?: Dataset;
  platform?: string;
  conversationId?: string;
  keys?: readonly string[];
  fromTime?: number;
  toTime?: number;
  /** Acceptance order (id) from here, exclusive. */
  afterId?: number;
  /** Keyset bound on (time, record_key), exclusive, in the direction of `order`. */
  before?: { time: number; key: string };
  after?: { time: number; key: string };
  order?: 'id' | 'time-asc' | 'time-desc';
  limit?: number;
}

export interface NewHotRecord {
  dataset: Dataset;
  platform: string;
  recordKey: string;
  partition: string;
  time: number;
  conversationId: string | null;
  /** The canonical record as JSON (its raw payload included). */
  record: string;
  acceptedAt: number;
}
export interface HotRecordRow extends NewHotRecord {
  id: number;
  bytes: number;
}
export interface HotSummary {
  rows: number;
  bytes: number;
  oldestAcceptedAt: number | null;
  /** The newest row's id: with `rows`, it changes whenever the matching rows do (ids only grow). */
  lastId: number | null;
}

export interface NewConversation {
  platform: string;
  conversationId: string;
  isGroup: boolean;
  metadata: string;
  createdAt: number;
}
export interface ConversationInfo extends Conversation {
  metadata: string | null;
  createdAt: number | null;
  updatedAt: number | null;
}
export interface ConversationFilter {
  platform?: string;
  isGroup?: boolean;
  /** Keyset: conversations last active before this (lastAt, platform, id), newest first. */
  before?: { lastAt: number; platform: string; conversationId: string };
  limit: number;
}
export interface ParticipantRow {
  platform: string;
  conversationId: string;
  participantId: string;
  role: string;
  joinedAt: number;
}
export type MessageChangeKind = 'edit' | 'delete' | 'restore';
export interface NewMessageChange {
  platform: string;
  messageId: string;
  change: MessageChangeKind;
  text: string | null;
  actor: string | null;
  at: number;
}
export interface MessageChangeRow extends NewMessageChange {
  version: number;
}
export interface MessageAckRow {
  platform: string;
  messageId: string;
  participantId: string;
  deliveredAt: number | null;
  readAt: number | null;
}
export interface NewToken {
  name: string;
  scopes: readonly string[];
  tokenHash: string;
  createdAt: number;
}
export interface TokenRow extends NewToken {
  id: number;
  revokedAt: number | null;
}
export interface IdempotencyRow {
  scope: string;
  key: string;
  requestHash: string;
  status: 'pending' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: number;
}
export interface NewAuditEntry {
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}
export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prevHash: string;
  hash: string;
}
export interface AuditFilter {
  /** Entries with a larger id only. */
  afterId?: number;
  actor?: string;
  action?: string;
  target?: string;
  limit: number;
}
