import type { MessageChangeRow } from '../catalog/service-catalog.js';
import type { Message } from '../core/message.js';
import { MESSAGE_COLUMNS } from '../lake/lake-columns.js';
import { API_PLATFORM, ATTACHMENTS_META_KEY, type AttachmentRef } from '../platforms/api/api-message.js';
import type { QueryRow } from '../query/message-query.js';
import { formatId } from './public-id.js';

/** A message as the REST API returns it. */
export interface ApiMessage {
  id: string;
  conversationId: string;
  senderId: string | null;
  kind: string;
  typeCode: string | null;
  text: string | null;
  content: string | null;
  replyTo: string | null;
  metadata: unknown;
  /** Attachments linked when it was posted (API messages; [] for others). */
  attachments: AttachmentRef[];
  sentAt: string;
  receivedAt: string | null;
  revoked: boolean;
  deleted: boolean;
  version: number;
  editedAt: string | null;
}

/** The columns list/get read from the lake. */
export const VIEW_COLUMNS = [
  'platform',
  'conversation_id',
  'message_id',
  'sender_id',
  'kind',
  'type_code',
  'text',
  'content',
  'ref_message_id',
  'meta',
  'sent_at',
  'received_at',
  'revoked',
];

/** A canonical message as a query row (what POST answers with, before any read). */
export function messageRow(m: Message): QueryRow {
  const row: QueryRow = { revoked: false };
  for (const c of MESSAGE_COLUMNS) row[c.name] = c.get(m);
  return row;
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v instanceof Date ? v.getTime() : Number(v)).toISOString();

/** The row with its edits and deletion applied (changes oldest first, only this message's). */
export function apiMessage(row: QueryRow, changes: readonly MessageChangeRow[] = []): ApiMessage {
  const platform = String(row.platform);
  let text = (row.text as string | null) ?? null;
  let content = (row.content as string | null) ?? null;
  let deleted = false;
  let editedAt: string | null = null;
  for (const c of changes) {
    if (c.change === 'edit') {
      text = c.text;
      content = c.text;
      editedAt = iso(c.at);
    } else deleted = c.change === 'delete';
  }
  let metadata = row.meta ? JSON.parse(row.meta as string) : null;
  let attachments: AttachmentRef[] = [];
  if (platform === API_PLATFORM && metadata && ATTACHMENTS_META_KEY in metadata) {
    const { [ATTACHMENTS_META_KEY]: linked, ...rest } = metadata;
    attachments = linked as AttachmentRef[];
    metadata = Object.keys(rest).length > 0 ? rest : null;
  }
  return {
    id: formatId(platform, String(row.message_id)),
    conversationId: formatId(platform, String(row.conversation_id)),
    senderId: (row.sender_id as string | null) ?? null,
    kind: String(row.kind),
    typeCode: (row.type_code as string | null) ?? null,
    text: deleted ? null : text,
    content: deleted ? null : content,
    replyTo: row.ref_message_id ? formatId(platform, String(row.ref_message_id)) : null,
    metadata,
    attachments,
    sentAt: iso(row.sent_at)!,
    receivedAt: iso(row.received_at),
    revoked: Boolean(row.revoked),
    deleted,
    version: 1 + changes.filter((c) => c.change === 'edit').length,
    editedAt,
  };
}
