import type { ChatEvent } from '../core/chat-event.js';
import type { Contact } from '../core/contact.js';
import type { Dataset } from '../core/lake-record.js';
import type { Message } from '../core/message.js';

/** One Parquet column: its name, its type in the file, and how to read it off the canonical record. */
export interface LakeColumn<R> {
  readonly name: string;
  readonly type: 'VARCHAR' | 'BOOLEAN' | 'INTEGER' | 'TIMESTAMPTZ';
  readonly get: (r: R) => string | number | boolean | null;
  /** Long text: handed to DuckDB as its own string vector rather than inside the packed JSON (no escaping). */
  readonly wide?: boolean;
}

const col = <R>(
  name: string,
  type: LakeColumn<R>['type'],
  get: LakeColumn<R>['get'],
  wide = false,
): LakeColumn<R> => ({
  name,
  type,
  get,
  wide,
});

export const MESSAGE_COLUMNS: readonly LakeColumn<Message>[] = [
  col('platform', 'VARCHAR', (r) => r.platform),
  col('account_id', 'VARCHAR', (r) => r.accountId),
  col('conversation_id', 'VARCHAR', (r) => r.conversationId),
  col('message_id', 'VARCHAR', (r) => r.messageId),
  col('sender_id', 'VARCHAR', (r) => r.senderId),
  col('recipient_id', 'VARCHAR', (r) => r.recipientId),
  col('is_group', 'BOOLEAN', (r) => r.isGroup),
  col('from_me', 'BOOLEAN', (r) => r.fromMe),
  col('kind', 'VARCHAR', (r) => r.kind),
  col('type_code', 'VARCHAR', (r) => r.typeCode),
  col('subtype_code', 'VARCHAR', (r) => r.subtypeCode),
  col('text', 'VARCHAR', (r) => r.text, true),
  col('content', 'VARCHAR', (r) => r.content, true),
  col('ref_message_id', 'VARCHAR', (r) => r.refMessageId),
  col('meta', 'VARCHAR', (r) => r.meta),
  col('sent_at', 'TIMESTAMPTZ', (r) => r.sentAt),
  col('received_at', 'TIMESTAMPTZ', (r) => r.receivedAt),
];

const CONTACT_COLUMNS: readonly LakeColumn<Contact>[] = [
  col('platform', 'VARCHAR', (r) => r.platform),
  col('account_id', 'VARCHAR', (r) => r.accountId),
  col('contact_id', 'VARCHAR', (r) => r.contactId),
  col('change', 'VARCHAR', (r) => r.change),
  col('contact_type', 'VARCHAR', (r) => r.contactType),
  col('alias', 'VARCHAR', (r) => r.alias),
  col('nickname', 'VARCHAR', (r) => r.nickname),
  col('remark', 'VARCHAR', (r) => r.remark),
  col('member_count', 'INTEGER', (r) => r.memberCount),
  col('type_code', 'VARCHAR', (r) => r.typeCode),
  col('record_key', 'VARCHAR', (r) => r.recordKey),
  col('observed_at', 'TIMESTAMPTZ', (r) => r.observedAt),
];

const EVENT_COLUMNS: readonly LakeColumn<ChatEvent>[] = [
  col('platform', 'VARCHAR', (r) => r.platform),
  col('account_id', 'VARCHAR', (r) => r.accountId),
  col('event_type', 'VARCHAR', (r) => r.eventType),
  col('record_key', 'VARCHAR', (r) => r.recordKey),
  col('observed_at', 'TIMESTAMPTZ', (r) => r.observedAt),
];

/** Every dataset's columns; each also has `raw` (the payload, last) and its rows are sorted by `sortKey`. */
export const LAKE_DATASETS = {
  messages: { columns: MESSAGE_COLUMNS, sortKey: ['conversation_id', 'sent_at', 'message_id'] },
  contacts: { columns: CONTACT_COLUMNS, sortKey: ['contact_id', 'observed_at', 'record_key'] },
  events: { columns: EVENT_COLUMNS, sortKey: ['event_type', 'observed_at', 'record_key'] },
} as const satisfies Record<Dataset, { columns: readonly LakeColumn<never>[]; sortKey: readonly string[] }>;

/** Compares two records by their dataset's sort key (the same order DuckDB's ORDER BY gives: nulls last). */
export function sortKeyComparator<R>(dataset: Dataset): (a: R, b: R) => number {
  const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<R>[];
  const getters = LAKE_DATASETS[dataset].sortKey.map((name) => columns.find((c) => c.name === name)!.get);
  return (a, b) => {
    for (const get of getters) {
      const x = get(a);
      const y = get(b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
}

/** The canonical schema of a dataset as recorded in the catalog's schema versions. */
export function schemaText(dataset: Dataset): string {
  const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<unknown>[];
  return JSON.stringify([...columns.map((c) => [c.name, c.type]), ['raw', 'VARCHAR']]);
}
