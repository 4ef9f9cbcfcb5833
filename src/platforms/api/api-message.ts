import type { Message, MessageKind } from '../../core/message.js';

/** Platform of conversations and messages created through the REST API. */
export const API_PLATFORM = 'chatlake';

/**
 * The key of an API message's meta that holds its attachments (the rest of meta is the client's metadata,
 * where the key is refused). Inside the stored message, so they move into Parquet with it and are stored
 * exactly once with it.
 */
export const ATTACHMENTS_META_KEY = '$attachments';

/** An attachment linked to a message: a file of the attachment store, as it was when the message was posted. */
export interface AttachmentRef {
  sha256: string;
  size: number;
  mimeType: string;
}

/** What a client posts to create a message. */
export interface ApiMessageInput {
  id?: string;
  senderId: string;
  kind?: MessageKind;
  text?: string;
  content?: string;
  replyTo?: string;
  metadata?: Record<string, unknown>;
  sentAt?: string;
  /** sha256 ids of uploaded attachments. */
  attachments?: string[];
}

/** The canonical message for an API post; the request body is kept whole as the raw payload. */
export function apiMessage(
  input: ApiMessageInput,
  ctx: {
    conversationId: string;
    isGroup: boolean;
    messageId: string;
    receivedAt: number;
    rawText: string;
    attachments?: readonly AttachmentRef[];
  },
): Message {
  const text = input.text ?? null;
  const attachments = ctx.attachments?.length ? { [ATTACHMENTS_META_KEY]: ctx.attachments } : null;
  const meta = input.metadata || attachments ? { ...input.metadata, ...attachments } : null;
  return {
    platform: API_PLATFORM,
    accountId: null,
    conversationId: ctx.conversationId,
    messageId: ctx.messageId,
    senderId: input.senderId,
    recipientId: null,
    isGroup: ctx.isGroup,
    fromMe: false,
    kind: input.kind ?? 'text',
    typeCode: null,
    subtypeCode: null,
    text,
    content: input.content ?? text,
    refMessageId: input.replyTo ?? null,
    meta: meta ? JSON.stringify(meta) : null,
    sentAt: input.sentAt ? Date.parse(input.sentAt) : ctx.receivedAt,
    receivedAt: ctx.receivedAt,
    raw: ctx.rawText,
  };
}
