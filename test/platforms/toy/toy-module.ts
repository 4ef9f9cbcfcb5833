import { MESSAGE_KINDS, type MessageKind } from '../../../src/core/message.js';
import type { DecodeResult } from '../../../src/platforms/platform-adapter.js';
import { jsonReceiver, type PlatformModule } from '../../../src/platforms/platform-module.js';

/**
 * A toy platform for tests: one JSON object a line, {"toy":1,"room":…,"id":…,"from":…,"text":…,"at":<epoch ms>},
 * optionally with "kind" (a canonical kind, default "text"), "type" (the platform's type code) and "ref" (the id a
 * revoke or quote refers to). The whole of what a platform needs: a decoder, a framing, a sniff rule, an identity
 * rule and a receiver; tests of platform-neutral code build their data with it (`toyLine`, `writeToyLog` in test/support/records.ts).
 */
export const toyModule: PlatformModule = {
  name: 'toy',
  framing: 'lines',
  decoder: () => ({
    platform: 'toy',
    decode(payload, ctx): DecodeResult {
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
        return { ok: false, reason: 'toy_not_object: a toy payload is a JSON object' };
      const p = payload as Record<string, unknown>;
      const { room, id, from, text, at, kind = 'text', type = null, ref = null } = p;
      if (p.toy !== 1) return { ok: false, reason: 'toy_version: "toy" must be 1' };
      if (!MESSAGE_KINDS.includes(kind as MessageKind))
        return { ok: false, reason: `toy_kind: "kind" is one of ${MESSAGE_KINDS.join(', ')}` };
      if ((type !== null && typeof type !== 'string') || (ref !== null && typeof ref !== 'string'))
        return { ok: false, reason: 'toy_refs: "type" and "ref" are strings' };
      if (typeof room !== 'string' || typeof id !== 'string' || id.includes(':'))
        return { ok: false, reason: 'toy_ids: room and id are strings, id without ":"' };
      if (typeof at !== 'number' || !Number.isSafeInteger(at))
        return { ok: false, reason: 'toy_time: "at" is epoch milliseconds' };
      const body = typeof text === 'string' ? text : null;
      return {
        ok: true,
        records: [
          {
            dataset: 'messages',
            record: {
              platform: 'toy',
              accountId: null,
              conversationId: room,
              messageId: id,
              senderId: typeof from === 'string' ? from : null,
              recipientId: null,
              isGroup: false,
              fromMe: false,
              kind: kind as MessageKind,
              typeCode: type as string | null,
              subtypeCode: null,
              text: body,
              content: body,
              refMessageId: ref as string | null,
              meta: null,
              sentAt: at,
              receivedAt: ctx.receivedAt ?? ctx.fallbackTime,
              raw: ctx.rawText,
            },
          },
        ],
      };
    },
    payloadFields(payload, into) {
      if (typeof payload === 'object' && payload !== null) for (const k of Object.keys(payload)) into.add(k);
    },
  }),
  sniff: (head) => head.startsWith('{"toy":'),
  identity: 'message: its id within the platform',
  receiver: { ...jsonReceiver, summary: 'Receive a toy payload' },
};
