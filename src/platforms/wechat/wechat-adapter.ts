// TEMPORARY placeholder written by the lead to test the pipeline; helper-1's real adapter replaces this file.
import { createHash } from 'node:crypto';
import type { LakeRecord } from '../../core/lake-record.js';
import type { DecodeResult, PlatformAdapter } from '../platform-adapter.js';

export const wechatAdapter: PlatformAdapter = {
  platform: 'wechat',
  decode(payload: any, ctx): DecodeResult {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return { ok: false, reason: 'not_object' };
    let env = payload;
    let raw = ctx.rawText;
    if ('parsed_json' in payload) {
      if (!payload.parsed_json) return { ok: false, reason: 'parse_error' };
      env = payload.parsed_json;
      raw =
        typeof payload.body_text === 'string' && payload.body_text ? payload.body_text : JSON.stringify(env);
    }
    const d = env.data;
    if (typeof d !== 'object' || d === null) return { ok: false, reason: 'no_data' };
    if (env.notify_type === 1010) {
      if (!d.msg_id) return { ok: false, reason: 'no_msg_id' };
      if (typeof d.create_time !== 'number') return { ok: false, reason: 'no_create_time' };
      const group = !!d.chatroom || String(d.from_username).endsWith('@chatroom');
      const r: LakeRecord = {
        dataset: 'messages',
        record: {
          platform: 'wechat',
          accountId: env.guid ?? null,
          conversationId: group ? d.chatroom || d.from_username : d.from_username,
          messageId: String(d.msg_id),
          senderId: d.chatroom_sender || d.from_username,
          recipientId: d.to_username,
          isGroup: group,
          fromMe: false,
          kind: d.msg_type === 1 ? 'text' : 'other',
          typeCode: d.msg_type == null ? null : String(d.msg_type),
          subtypeCode: null,
          text: d.msg_type === 1 ? d.content : null,
          content: d.content,
          refMessageId: null,
          meta: null,
          sentAt: d.create_time * 1000,
          receivedAt: null,
          raw,
        },
      };
      return { ok: true, records: [r] };
    }
    const key = createHash('sha1')
      .update(`${env.notify_type}\n${JSON.stringify(d)}`)
      .digest('hex');
    if (env.notify_type >= 1200 && env.notify_type <= 1202) {
      const id = d.userName?.string ?? d.userName ?? d.username?.string ?? d.username;
      if (typeof id !== 'string') return { ok: false, reason: 'no_contact_id' };
      return {
        ok: true,
        records: [
          {
            dataset: 'contacts',
            record: {
              platform: 'wechat',
              accountId: env.guid ?? null,
              contactId: id,
              change: env.notify_type === 1201 ? 'delete' : 'update',
              contactType: 'user',
              alias: null,
              nickname: null,
              remark: null,
              memberCount: null,
              typeCode: String(env.notify_type),
              observedAt: ctx.fallbackTime,
              recordKey: key,
              raw,
            },
          },
        ],
      };
    }
    return {
      ok: true,
      records: [
        {
          dataset: 'events',
          record: {
            platform: 'wechat',
            accountId: env.guid ?? null,
            eventType: String(env.notify_type),
            observedAt: ctx.fallbackTime,
            recordKey: key,
            raw,
          },
        },
      ],
    };
  },
};
