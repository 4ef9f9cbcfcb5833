import type { ChatEvent } from './chat-event.js';
import type { Contact } from './contact.js';
import type { Message } from './message.js';

/** The three datasets of the lake and the record each one holds. */
export type Dataset = 'messages' | 'contacts' | 'events';

export type LakeRecord =
  | { dataset: 'messages'; record: Message }
  | { dataset: 'contacts'; record: Contact }
  | { dataset: 'events'; record: ChatEvent };

/** The identity a record dedupes on within its dataset and platform. */
export function recordKey(r: LakeRecord): string {
  return r.dataset === 'messages' ? r.record.messageId : r.record.recordKey;
}

/** The instant a record is partitioned by. */
export function recordTime(r: LakeRecord): number {
  return r.dataset === 'messages' ? r.record.sentAt : r.record.observedAt;
}
