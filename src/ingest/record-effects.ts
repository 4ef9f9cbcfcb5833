import type { CatalogWriter, ContactRow, ConversationRow, RevocationRow } from '../catalog/catalog.js';
import type { Contact } from '../core/contact.js';
import type { LakeRecord } from '../core/lake-record.js';
import type { Message } from '../core/message.js';

/**
 * What newly stored records change in the catalog besides their identities: conversation coverage, current
 * contacts, revocations. Collected per batch, applied in the batch's transaction.
 */
export class RecordEffects {
  private readonly conversations = new Map<string, ConversationRow>();
  private readonly contacts = new Map<string, ContactRow>();
  private readonly revocations: RevocationRow[] = [];

  note(r: LakeRecord): void {
    if (r.dataset === 'messages') this.noteMessage(r.record);
    else if (r.dataset === 'contacts') this.noteContact(r.record);
  }

  async apply(tx: CatalogWriter): Promise<void> {
    await tx.touchConversations([...this.conversations.values()]);
    await tx.upsertContacts([...this.contacts.values()]);
    await tx.addRevocations(this.revocations);
  }

  private noteMessage(m: Message): void {
    if (m.kind === 'revoke' && m.refMessageId) {
      this.revocations.push({
        platform: m.platform,
        messageId: m.refMessageId,
        revokeId: m.messageId,
        revokedAt: m.sentAt,
      });
    }
    if (m.kind === 'status') return;
    const key = `${m.platform}\u0000${m.conversationId}`;
    const c = this.conversations.get(key);
    if (!c) {
      this.conversations.set(key, {
        platform: m.platform,
        conversationId: m.conversationId,
        isGroup: m.isGroup,
        firstAt: m.sentAt,
        lastAt: m.sentAt,
        messageCount: 1,
      });
      return;
    }
    c.messageCount++;
    if (m.sentAt < c.firstAt) c.firstAt = m.sentAt;
    if (m.sentAt > c.lastAt) c.lastAt = m.sentAt;
  }

  private noteContact(c: Contact): void {
    const key = `${c.platform}\u0000${c.contactId}`;
    const prev = this.contacts.get(key);
    if (prev && prev.observedAt > c.observedAt) return;
    this.contacts.set(key, {
      platform: c.platform,
      contactId: c.contactId,
      accountId: c.accountId,
      contactType: c.contactType,
      alias: c.alias,
      nickname: c.nickname,
      remark: c.remark,
      memberCount: c.memberCount,
      deleted: c.change === 'delete',
      observedAt: c.observedAt,
    });
  }
}
