import type { DecodeContext, DecodeResult } from '../platform-adapter.js';
import { notifyTypeText } from './notify-type-text.js';
import { recordKey } from './record-key.js';
import { reject } from './rejections.js';
import { isRoomId } from './room-id.js';
import type { Envelope } from './unwrap-envelope.js';
import { code, isObject, type JsonObject, unwrapString } from './wechat-payload.js';

const DELETED = 1201;
const OPENIM = 1202;

/** A contact or chatroom change (notify_type 1200, 1201 deleted, 1202 OpenIM) → one `contacts` record. */
export function decodeContact(env: Envelope, data: JsonObject, ctx: DecodeContext): DecodeResult {
  const notifyType = code(env.notifyType);
  const contactId =
    unwrapString(data.userName) ?? unwrapString(data.username) ?? unwrapString(data.encryptUserName);
  if (contactId === null) return reject('no_contact_id');
  const deleted = notifyType === DELETED;
  const typeCode = notifyTypeText(env.notifyType);
  const room = data.newChatroomData;
  return {
    ok: true,
    records: [
      {
        dataset: 'contacts',
        record: {
          platform: 'wechat',
          accountId: env.accountId,
          contactId,
          change: deleted ? 'delete' : 'update',
          contactType: contactType(contactId, notifyType),
          alias: deleted ? null : unwrapString(data.alias),
          nickname: deleted ? null : (unwrapString(data.nickName) ?? unwrapString(data.nickname)),
          remark: deleted ? null : unwrapString(data.remark),
          memberCount: !deleted && isObject(room) ? count(room.memberCount) : null,
          typeCode,
          observedAt: env.receivedAt ?? ctx.receivedAt ?? ctx.fallbackTime,
          recordKey: recordKey(typeCode, data),
          raw: env.raw,
        },
      },
    ],
  };
}

function contactType(id: string, notifyType: number): string {
  if (isRoomId(id)) return 'chatroom';
  if (id.startsWith('gh_')) return 'official';
  if (notifyType === OPENIM || id.endsWith('@openim')) return 'openim';
  return 'user';
}

function count(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}
