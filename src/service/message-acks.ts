import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { MessagePages } from './message-pages.js';
import type { PublicId } from './public-id.js';

/** What acks use: the conversation's participants, the acks (written and read), the message read. */
export interface MessageAcksDeps {
  catalog: Pick<Catalog, 'participants' | 'messageAcks' | 'write'>;
  pages: Pick<MessagePages, 'get'>;
}

/** Delivery and read receipts of messages, per participant. */
export class MessageAcks {
  constructor(private readonly deps: MessageAcksDeps) {}

  /** Records that the participant got (or read) the message now; answers every ack of the message. */
  async ack(msg: PublicId, participantId: string, state: 'delivered' | 'read') {
    const { catalog } = this.deps;
    const m = await this.deps.pages.get(msg);
    const conv = m.conversationId.slice(msg.platform.length + 1);
    const participants = await catalog.participants(msg.platform, conv);
    if (participants.length > 0 && !participants.some((p) => p.participantId === participantId)) {
      throw new ChatlakeError('unprocessable', `${participantId} is not a participant of this conversation`);
    }
    const at = Date.now();
    await catalog.write((tx) =>
      tx.ackMessage({
        platform: msg.platform,
        messageId: msg.id,
        participantId,
        deliveredAt: at,
        readAt: state === 'read' ? at : null,
      }),
    );
    return (await catalog.messageAcks(msg.platform, msg.id)).map((a) => ({
      participantId: a.participantId,
      deliveredAt: a.deliveredAt === null ? null : new Date(a.deliveredAt).toISOString(),
      readAt: a.readAt === null ? null : new Date(a.readAt).toISOString(),
    }));
  }
}
