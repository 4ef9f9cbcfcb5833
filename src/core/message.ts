/** The canonical message: what every platform adapter produces and the lake stores. */
export const MESSAGE_KINDS = [
  'text',
  'image',
  'voice',
  'video',
  'file',
  'link',
  'quote',
  'emoji',
  'location',
  'contact_card',
  'friend_request',
  'call',
  'forward',
  'mini_program',
  'transfer',
  'red_packet',
  'system',
  'revoke',
  'status',
  'other',
] as const;

export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface Message {
  platform: string;
  /** The account (bot, client instance) the message was received by, when known. */
  accountId: string | null;
  conversationId: string;
  messageId: string;
  senderId: string | null;
  recipientId: string | null;
  isGroup: boolean;
  fromMe: boolean;
  kind: MessageKind;
  /** The platform's own type code, as text (e.g. "49"). */
  typeCode: string | null;
  /** A second-level type code under it, as the platform has one (e.g. "57" for a quote). */
  subtypeCode: string | null;
  /** Readable text extracted from the content (may be null for media without caption). */
  text: string | null;
  /** The original content as the platform sent it (text or XML). */
  content: string | null;
  /** Id of the message this one refers to: the quoted one for quotes, the revoked one for revokes. */
  refMessageId: string | null;
  /** Extracted metadata (media size/md5/duration, link url, location…) as a JSON object text. */
  meta: string | null;
  /** Epoch milliseconds, UTC. */
  sentAt: number;
  /** Epoch milliseconds when chatlake (or the logger before it) received it; null if unknown. */
  receivedAt: number | null;
  /** The payload exactly as received. */
  raw: string;
}
