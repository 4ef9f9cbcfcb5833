import { createHash, randomBytes } from 'node:crypto';
import type { ConversationStore } from '../catalog/ports/conversation-store.js';
import type { ConversationInfo } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { decodeBatch, emptyDecoded } from '../ingest/decode-payloads.js';
import type { HotTier } from '../ingest/hot-tier.js';
import {
  API_PLATFORM,
  type ApiMessageInput,
  ATTACHMENTS_META_KEY,
  type AttachmentRef,
} from '../platforms/api/api-message.js';
import type { ApiPayload } from '../platforms/api/api-module.js';
import type { PlatformRegistry } from '../platforms/platform-registry.js';
import type { QueryRow } from '../query/message-query.js';
import type { QueryService } from '../query/query-service.js';
import { type ApiMessage, apiMessage, messageRow } from './api-message-view.js';
import type { Attachments } from './attachments.js';
import type { MessagePages } from './message-pages.js';
import { formatId, type PublicId } from './public-id.js';

/** 201: stored. 202: queued; `committed` settles when it is stored, or rejects if that failed after the answer. */
export type WriteResult =
  | { status: 201; message: ApiMessage }
  | { status: 202; id: string; committed?: Promise<unknown> };

/** What posting uses: participants, the API platform's decoder, the hot tier, reads of what is stored. */
export interface MessagePostsDeps {
  catalog: Pick<ConversationStore, 'participants'>;
  platforms: Pick<PlatformRegistry, 'decoder'>;
  hot: Pick<HotTier, 'accept'>;
  query: Pick<QueryService, 'get'>;
  pages: Pick<MessagePages, 'get' | 'conversation'>;
  /** Where posted attachment ids must exist; without it, a post naming attachments is refused. */
  attachments?: Pick<Attachments, 'info'>;
}

/** Posting messages into API conversations: decoded through the one door, accepted into the hot tier. */
export class MessagePosts {
  constructor(private readonly deps: MessagePostsDeps) {}

  async post(
    conv: PublicId,
    input: ApiMessageInput,
    rawText: string,
    opts: { actor: string; idempotencyId?: string; async?: boolean },
  ): Promise<WriteResult> {
    // The format check lets through times JavaScript cannot read (a leap second): refused before any lookup.
    if (input.sentAt !== undefined && Number.isNaN(Date.parse(input.sentAt))) {
      throw new ChatlakeError('invalid_argument', `sentAt "${input.sentAt}" is not an ISO 8601 time`);
    }
    if (input.metadata && ATTACHMENTS_META_KEY in input.metadata) {
      throw new ChatlakeError(
        'invalid_argument',
        `metadata key ${ATTACHMENTS_META_KEY} is reserved; link attachments with the attachments field`,
      );
    }
    const c = await this.writableConversation(conv);
    const participants = await this.deps.catalog.participants(c.platform, c.conversationId);
    if (participants.length > 0 && !participants.some((p) => p.participantId === input.senderId)) {
      throw new ChatlakeError(
        'unprocessable',
        `sender ${input.senderId} is not a participant of this conversation`,
      );
    }
    const messageId =
      input.id ??
      (opts.idempotencyId
        ? `m_${createHash('sha256').update(opts.idempotencyId).digest('base64url').slice(0, 24)}`
        : `m_${Date.now().toString(36)}${randomBytes(10).toString('base64url')}`);
    const attachments = await this.linkedAttachments(input.attachments ?? []);
    const payload: ApiPayload = {
      input,
      conversationId: c.conversationId,
      isGroup: c.isGroup,
      messageId,
      attachments,
    };
    const now = Date.now();
    const decoded = emptyDecoded();
    const decoder = this.deps.platforms.decoder(API_PLATFORM);
    decodeBatch(
      [{ payload, rawText }],
      { decoder, source: 'api', fallbackTime: now, receivedAt: now },
      decoded,
    );
    const [first] = decoded.records;
    if (first?.dataset !== 'messages')
      throw new ChatlakeError(
        'invalid_argument',
        decoded.quarantine[0]?.reason ?? 'the post makes no message',
      );
    const message = first.record;
    const id: PublicId = { platform: API_PLATFORM, id: messageId };
    // A client-chosen id that is taken: answered now, as the repeat it is or as a conflict.
    if (opts.async && input.id !== undefined) {
      const [row] = await this.deps.query.get([messageId], API_PLATFORM, { original: true });
      if (row) return { status: 202, id: this.repeatOf(row, message, input).id };
    }
    const accepted = this.deps.hot.accept({
      records: [{ dataset: 'messages', record: message }],
      audit: {
        at: message.receivedAt ?? Date.now(),
        actor: opts.actor,
        action: 'message.create',
        target: formatId(API_PLATFORM, messageId),
        detail: null,
      },
    });
    if (opts.async) {
      accepted.catch(() => {}); // handled by the caller, through `committed`
      return { status: 202, id: formatId(API_PLATFORM, messageId), committed: accepted };
    }
    const outcome = await accepted;
    if (outcome.duplicates > 0) {
      const [row] = await this.deps.query.get([messageId], API_PLATFORM, { original: true });
      if (!row)
        throw new ChatlakeError('conflict', `message ${formatId(API_PLATFORM, messageId)} exists already`);
      this.repeatOf(row, message, input);
      return { status: 201, message: await this.deps.pages.get(id, true) };
    }
    return { status: 201, message: apiMessage(messageRow(message)) };
  }

  /**
   * The stored message with this id, when the post is a repeat of it: same conversation, sender, kind, text,
   * content, reply and metadata (and time, when the post names one). Another message under a taken id is a
   * conflict, never answered with the stored one as if it had been written.
   */
  private repeatOf(stored: QueryRow, posted: Message, input: ApiMessageInput): ApiMessage {
    const a = apiMessage(stored);
    const b = apiMessage(messageRow(posted));
    const same =
      a.conversationId === b.conversationId &&
      a.senderId === b.senderId &&
      a.kind === b.kind &&
      a.text === b.text &&
      a.content === b.content &&
      a.replyTo === b.replyTo &&
      JSON.stringify(a.metadata) === JSON.stringify(b.metadata) &&
      JSON.stringify(a.attachments) === JSON.stringify(b.attachments) &&
      (input.sentAt === undefined || a.sentAt === b.sentAt);
    if (!same) {
      throw new ChatlakeError(
        'conflict',
        `message id ${a.id} is taken by another message: post without an id (or with a new one), or repeat the same message`,
      );
    }
    return a;
  }

  /** Each posted id's stored attachment, in the order posted; 422 naming the first id that is not stored. */
  private async linkedAttachments(ids: readonly string[]): Promise<AttachmentRef[]> {
    const out: AttachmentRef[] = [];
    for (const id of ids) {
      const info = await this.deps.attachments?.info(id);
      if (!info) {
        throw new ChatlakeError(
          'unprocessable',
          `attachment ${id} is not in the attachment store; upload it first (POST /api/v1/attachments)`,
        );
      }
      out.push({ sha256: info.sha256, size: info.size, mimeType: info.mimeType });
    }
    return out;
  }

  private async writableConversation(conv: PublicId): Promise<ConversationInfo> {
    const c = await this.deps.pages.conversation(conv);
    if (c.platform !== API_PLATFORM) {
      throw new ChatlakeError(
        'unprocessable',
        `conversation ${conv.platform}:${conv.id} comes from ${conv.platform} and is read-only here`,
      );
    }
    return c;
  }
}
