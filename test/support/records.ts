import { writeFileSync } from 'node:fs';
import { Rng } from '../../bench/data/rng.js';
import type { ChatEvent } from '../../src/core/chat-event.js';
import type { Contact } from '../../src/core/contact.js';
import type { LakeRecord } from '../../src/core/lake-record.js';
import type { Message, MessageKind } from '../../src/core/message.js';
import { API_PLATFORM } from '../../src/platforms/api/api-message.js';

/**
 * Platform-neutral test data: canonical records with sensible defaults, for tests of code that does not care
 * which platform a record came from (query, jobs, lake, http). The platform defaults to the REST API's own (a
 * platform every lake knows); a test about decoding uses its platform's payloads instead.
 */

/** A text message in a direct chat, sent at `sentAt` (epoch ms, default 2026-01-23T00:00Z). */
export function message(m: Partial<Message> & { messageId: string }): Message {
  const sentAt = m.sentAt ?? Date.UTC(2026, 0, 23);
  const text = m.text ?? `message ${m.messageId}`;
  return {
    platform: API_PLATFORM,
    accountId: null,
    conversationId: 'carol',
    senderId: m.senderId ?? m.conversationId ?? 'carol',
    recipientId: null,
    isGroup: false,
    fromMe: false,
    kind: 'text',
    typeCode: null,
    subtypeCode: null,
    text,
    content: text,
    refMessageId: null,
    meta: null,
    sentAt,
    receivedAt: null,
    raw: JSON.stringify({ id: m.messageId, text }),
    ...m,
  };
}

/** A message as the record a decoder hands the lake. */
export function messageRecord(m: Partial<Message> & { messageId: string }): LakeRecord {
  return { dataset: 'messages', record: message(m) };
}

/** A user contact's update, observed at `observedAt` (epoch ms, default 2026-01-23T00:00Z). */
export function contact(c: Partial<Contact> & { contactId: string }): Contact {
  return {
    platform: API_PLATFORM,
    accountId: null,
    change: 'update',
    contactType: 'user',
    alias: null,
    nickname: c.contactId,
    remark: null,
    memberCount: null,
    typeCode: null,
    observedAt: Date.UTC(2026, 0, 23),
    recordKey: `contact-${c.contactId}`,
    raw: JSON.stringify({ contact: c.contactId }),
    ...c,
  };
}

/** An event of type `eventType` (default "note"), observed at `observedAt` (default 2026-01-23T00:00Z). */
export function event(e: Partial<ChatEvent> & { recordKey: string }): ChatEvent {
  return {
    platform: API_PLATFORM,
    accountId: null,
    eventType: 'note',
    observedAt: Date.UTC(2026, 0, 23),
    raw: JSON.stringify({ event: e.recordKey }),
    ...e,
  };
}

/** A toy message line's fields: `room` defaults to "carol", `from` to the room, `text` to "message <id>". */
export interface ToyMessage {
  id: string;
  /** Epoch ms. */
  at: number;
  text?: string | null;
  room?: string;
  from?: string;
  kind?: MessageKind;
  type?: string;
  ref?: string;
}

/**
 * A line of the toy platform (test/platforms/toy: open the lake with `{ platforms: [toyModule] }`), for tests that
 * ingest files or post webhooks.
 */
export function toyLine(m: ToyMessage): string {
  const room = m.room ?? 'carol';
  return JSON.stringify({
    toy: 1,
    room,
    id: m.id,
    from: m.from ?? room,
    text: m.text === undefined ? `message ${m.id}` : m.text,
    at: m.at,
    ...(m.kind ? { kind: m.kind } : {}),
    ...(m.type ? { type: m.type } : {}),
    ...(m.ref ? { ref: m.ref } : {}),
  });
}

const TOY_WORDS = ['hello', 'lunch?', 'ok', 'see you', '开会', '明天', '好的', 'Meeting', 'done', '收到'];

/**
 * Writes a seeded toy log to `path`: `messages` messages with ids m<startIndex>… over `days` UTC days ending `endDate`, in `rooms`
 * rooms from `senders` senders; mostly text (English and Chinese words, type "1"), some images without text
 * (type "3"), status syncs (type "51") and revokes of an earlier message of the same room (type "10002").
 */
export function writeToyLog(
  path: string,
  o: {
    messages: number;
    days: number;
    rooms: number;
    senders: number;
    seed: number;
    startIndex?: number;
    endDate?: string;
  },
): { nextIndex: number } {
  const rng = new Rng(o.seed);
  const start = o.startIndex ?? 0;
  const end = Date.parse(`${o.endDate ?? '2026-01-31'}T00:00:00Z`) + 86_400_000;
  const span = o.days * 86_400_000;
  const byRoom = new Map<string, string[]>();
  const lines: string[] = [];
  for (let i = start; i < start + o.messages; i++) {
    const room = `room${rng.int(o.rooms)}`;
    const m: ToyMessage = {
      id: `m${i}`,
      at: end - span + rng.int(span),
      room,
      from: `user${rng.int(o.senders)}`,
    };
    const earlier = byRoom.get(room) ?? [];
    const roll = rng.next();
    if (roll < 0.04 && earlier.length > 0)
      Object.assign(m, { kind: 'revoke', type: '10002', ref: rng.pick(earlier), text: 'revoked a message' });
    else if (roll < 0.09) Object.assign(m, { kind: 'status', type: '51', text: null });
    else if (roll < 0.17) Object.assign(m, { kind: 'image', type: '3', text: null });
    else
      Object.assign(m, {
        type: '1',
        text: Array.from({ length: 1 + rng.int(4) }, () => rng.pick(TOY_WORDS)).join(' '),
      });
    earlier.push(m.id);
    byRoom.set(room, earlier);
    lines.push(toyLine(m));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { nextIndex: start + o.messages };
}
