import type { DecodeContext, DecodeResult } from '../platform-adapter.js';
import { notifyTypeText } from './notify-type-text.js';
import { recordKey } from './record-key.js';
import type { Envelope } from './unwrap-envelope.js';

/** Any other notification → one `events` record, kept as it came. */
export function decodeEvent(env: Envelope, data: object, ctx: DecodeContext): DecodeResult {
  const eventType = notifyTypeText(env.notifyType);
  return {
    ok: true,
    records: [
      {
        dataset: 'events',
        record: {
          platform: 'wechat',
          accountId: env.accountId,
          eventType,
          observedAt: env.receivedAt ?? ctx.receivedAt ?? ctx.fallbackTime,
          recordKey: recordKey(eventType, data),
          raw: env.raw,
        },
      },
    ],
  };
}
