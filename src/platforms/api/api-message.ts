import type { Message, MessageKind } from '../../core/message.js';

/** Platform of conversations and messages created through the REST API. */
export const API_PLATFORM = 'chatlake';

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
}

/** The canonical message for an API post; the request body is kept whole as the raw payload. */
export function apiMessage(
  input: ApiMessageInput,
  ctx: { conversationId: string; isGroup: boolean; messageId: string; receivedAt: number; rawText: string },
): Message {
  const text = input.text ?? null;
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
    meta: input.metadata ? JSON.stringify(input.metadata) : null,
    sentAt: input.sentAt ? Date.parse(input.sentAt) : ctx.receivedAt,
    receivedAt: ctx.receivedAt,
    raw: ctx.rawText,
  };
}
