import type { Conversation } from '../core/conversation.js';
import type { Dataset } from '../core/lake-record.js';
import type { ConversationStore, ConversationWriter } from './ports/conversation-store.js';
import type { HotRecordStore, HotRecordWriter } from './ports/hot-record-store.js';
import type { MessageChangeStore, MessageChangeWriter } from './ports/message-change-store.js';
import type { TokenAuditStore, TokenAuditWriter } from './ports/token-audit-store.js';

/** The catalog's service half: the hot tier, conversation metadata, message changes, tokens, idempotency, audit. */
export interface ServiceCatalog
  extends HotRecordStore,
    ConversationStore,
    MessageChangeStore,
    TokenAuditStore {}

export interface ServiceWriter
  extends HotRecordWriter,
    ConversationWriter,
    MessageChangeWriter,
    TokenAuditWriter {}

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
