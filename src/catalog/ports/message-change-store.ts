import type { MessageAckRow, MessageChangeRow, NewMessageChange } from '../service-catalog.js';

/** Edits, deletions and restores of messages (applied at read time), and delivery/read acks. */
export interface MessageChangeStore {
  /** Every change of these messages, oldest first. */
  messageChanges(platform: string, messageIds: readonly string[]): Promise<MessageChangeRow[]>;
  messageAcks(platform: string, messageId: string): Promise<MessageAckRow[]>;
  /** Every message change, by platform, message and version (reads build the current view from them). */
  allMessageChanges(): Promise<MessageChangeRow[]>;
  /** How many message changes there are: they are only ever added, so the count versions them. */
  messageChangeCount(): Promise<number>;
}

export interface MessageChangeWriter {
  /** Appends a change as the message's next version; returns the version. */
  addMessageChange(c: NewMessageChange): Promise<number>;
  ackMessage(ack: MessageAckRow): Promise<void>;
}
