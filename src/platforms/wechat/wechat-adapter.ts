import type { DecodeContext, DecodeResult, PlatformAdapter } from '../platform-adapter.js';
import { decodeContact } from './decode-contact.js';
import { decodeEvent } from './decode-event.js';
import { decodeMessage } from './decode-message.js';
import { payloadFields } from './payload-fields.js';
import { reject } from './rejections.js';
import { unwrapEnvelope } from './unwrap-envelope.js';
import { code, isObject, jsonType } from './wechat-payload.js';

const NEW_MESSAGE = 1010;
const CONTACT_TYPES = new Set([1200, 1201, 1202]);

function decode(payload: unknown, ctx: DecodeContext): DecodeResult {
  const env = unwrapEnvelope(payload, ctx);
  if ('ok' in env) return env;
  const data = env.data;
  if (!isObject(data)) return reject('no_data', jsonType(data));
  const notifyType = code(env.notifyType);
  if (notifyType === NEW_MESSAGE) return decodeMessage(env, data, ctx);
  if (CONTACT_TYPES.has(notifyType)) return decodeContact(env, data, ctx);
  return decodeEvent(env, data, ctx);
}

/** The WeChat webhook (juhexbot-style envelope, bare or inside a request log): pure decode, never throws. */
export const wechatAdapter: PlatformAdapter = {
  platform: 'wechat',
  decode(payload, ctx) {
    try {
      return decode(payload, ctx);
    } catch (error) {
      return reject('decode_failed', error instanceof Error ? error.message : String(error));
    }
  },
  payloadFields(payload, into) {
    try {
      payloadFields(payload, into);
    } catch {}
  },
};
