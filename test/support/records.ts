import type { ChatEvent } from '../../src/core/chat-event.js';
import type { Contact } from '../../src/core/contact.js';
import type { LakeRecord } from '../../src/core/lake-record.js';
import type { Message } from '../../src/core/message.js';
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

/**
 * A line of the toy platform (test/platforms/toy: open the lake with `{ platforms: [toyModule] }`): a message
 * `id` in `room` (default "carol") from `from` (default the room) at `at` (epoch ms), for tests that ingest files.
 */
export function toyLine(m: { id: string; at: number; text?: string; room?: string; from?: string }): string {
  const room = m.room ?? 'carol';
  return JSON.stringify({
    toy: 1,
    room,
    id: m.id,
    from: m.from ?? room,
    text: m.text ?? `message ${m.id}`,
    at: m.at,
  });
}
