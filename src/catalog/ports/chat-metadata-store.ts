import type { ContactRow, ConversationRow, RevocationRow } from '../catalog.js';

/** What stored records say about chats besides their rows: conversations' coverage, contacts, revocations. */
export interface ChatMetadataStore {
  conversations(): Promise<ConversationRow[]>;
  contacts(): Promise<ContactRow[]>;
  /** Every revocation, or those of one platform, or of the messages with these ids on it. */
  revocations(platform?: string, messageIds?: readonly string[]): Promise<RevocationRow[]>;
  /** How many revocations there are (they are only ever added: a cheap change signal). */
  revocationCount(): Promise<number>;
}

export interface ChatMetadataWriter {
  touchConversations(rows: readonly ConversationRow[]): Promise<void>;
  /** Sets conversations' coverage (count, first/last) to these values, where the row exists. */
  setConversationStats(rows: readonly ConversationRow[]): Promise<void>;
  upsertContacts(rows: readonly ContactRow[]): Promise<void>;
  addRevocations(rows: readonly RevocationRow[]): Promise<void>;
}
