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

function decode(payload: unknown, ctx: DecodeContext, self: ReadonlySet<string>): DecodeResult {
  const env = unwrapEnvelope(payload, ctx);
  if ('ok' in env) return env;
  const data = env.data;
  if (!isObject(data)) return reject('no_data', jsonType(data));
  const notifyType = code(env.notifyType);
  if (notifyType === NEW_MESSAGE) return decodeMessage(env, data, ctx, self);
  if (CONTACT_TYPES.has(notifyType)) return decodeContact(env, data, ctx);
  return decodeEvent(env, data, ctx);
}

export interface WechatOptions {
  /** The account's own ids (wxid_…): the webhook gives no from-me flag, so it is known only from these. */
  selfIds?: readonly string[];
}

/** The WeChat webhook (juhexbot-style envelope, bare or inside a request log): pure decode, never throws. */
export function createWechatAdapter(options: WechatOptions = {}): PlatformAdapter {
  const self = new Set(options.selfIds);
  return {
    platform: 'wechat',
    decode(payload, ctx) {
      try {
        return decode(payload, ctx, self);
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
}

/** Without the account's own ids: nothing is from-me. */
export const wechatAdapter = createWechatAdapter();
