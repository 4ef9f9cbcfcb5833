import type { LakeRecord } from '../../core/lake-record.js';
import type { DecodeContext, DecodeResult } from '../platform-adapter.js';
import { epochMs } from './epoch-ms.js';
import { messageContent } from './message-content.js';
import { messageId } from './message-id.js';
import { reject } from './rejections.js';
import { isRoomId } from './room-id.js';
import { senderPrefixLength } from './sender-prefix.js';
import type { Envelope } from './unwrap-envelope.js';
import { code, type JsonObject, str } from './wechat-payload.js';

/**
 * A new-message notification (notify_type 1010) → one `messages` record. `self`: the account's own ids; a direct
 * message one of them sent belongs to the chat with its recipient.
 */
export function decodeMessage(
  env: Envelope,
  data: JsonObject,
  ctx: DecodeContext,
  self: ReadonlySet<string>,
): DecodeResult {
  const id = messageId(data.msg_id, env.sourceTexts);
  if (typeof id !== 'string') return reject(id.reject);
  const createTime = data.create_time;
  if (createTime === undefined || createTime === null) return reject('no_create_time');
  const sentAt = epochMs(createTime);
  if (sentAt === null) return reject('bad_create_time', String(createTime).slice(0, 40));

  const from = str(data.from_username);
  const to = str(data.to_username);
  const chatroom = str(data.chatroom);
  const isGroup =
    chatroom !== '' ||
    data.is_chatroom_msg === 1 ||
    data.is_chatroom_msg === '1' ||
    isRoomId(from) ||
    isRoomId(to);
  const conversationId = isGroup
    ? chatroom || (isRoomId(from) ? from : isRoomId(to) ? to : from)
    : self.has(from) && to !== ''
      ? to
      : from;
  if (conversationId === '') return reject('no_conversation');

  let content = typeof data.content === 'string' ? data.content : null;
  let senderId: string | null = from || null;
  if (isGroup) {
    const roomSender = str(data.chatroom_sender);
    const prefix = content === null ? 0 : senderPrefixLength(content);
    const prefixed =
      prefix > 0 &&
      (roomSender === '' || (prefix === roomSender.length + 2 && content!.startsWith(roomSender)));
    senderId =
      roomSender || (prefixed ? content!.slice(0, prefix - 2) : from !== conversationId ? from : null);
    if (prefixed) content = content!.slice(prefix);
  }

  const msgType = code(data.msg_type);
  const parts = messageContent(msgType, content);
  const record: LakeRecord = {
    dataset: 'messages',
    record: {
      platform: 'wechat',
      accountId: env.accountId,
      conversationId,
      messageId: id,
      senderId,
      recipientId: to || null,
      isGroup,
      fromMe: senderId !== null && self.has(senderId),
      kind: parts.kind,
      typeCode: Number.isNaN(msgType) ? typeCodeText(data.msg_type) : String(msgType),
      subtypeCode: parts.subtypeCode,
      text: parts.text,
      content,
      refMessageId: parts.refMessageId,
      meta: parts.meta,
      sentAt,
      receivedAt: env.receivedAt ?? ctx.receivedAt,
      raw: env.raw,
    },
  };
  return { ok: true, records: [record] };
}

function typeCodeText(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
