/** A contact (or chatroom) state as a platform reported it at a point in time. */
export type ContactChange = 'update' | 'delete';

export interface Contact {
  platform: string;
  accountId: string | null;
  contactId: string;
  change: ContactChange;
  /** 'user' | 'chatroom' | 'official' | 'openim' | … */
  contactType: string;
  alias: string | null;
  nickname: string | null;
  remark: string | null;
  memberCount: number | null;
  /** The platform's event code (the notification that carried it). */
  typeCode: string | null;
  /** Epoch milliseconds when the change was observed. */
  observedAt: number;
  /** Stable identity of this observation (hash of the payload): re-deliveries dedupe on it. */
  recordKey: string;
  raw: string;
}
