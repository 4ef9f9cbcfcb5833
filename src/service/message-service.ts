import { createHash, randomBytes } from 'node:crypto';
import type { Lake } from '../app/open-lake.js';
import type { ConversationInfo, MessageChangeRow } from '../catalog/service-catalog.js';
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
import { KeysetCursors, rowKeyset } from '../query/keyset-page.js';
import type { MessageQuery, QueryRow } from '../query/message-query.js';
import { type ApiMessage, apiMessage, messageRow, VIEW_COLUMNS } from './api-message-view.js';
import type { Attachments } from './attachments.js';
import { formatId, type PublicId } from './public-id.js';

export interface ListQuery {
  limit: number;
  cursor?: string;
  /** Epoch ms bounds, exclusive. */
  before?: number;
  after?: number;
}

export interface MessagePage {
  messages: ApiMessage[];
  nextCursor: string | null;
}

/** 201: stored. 202: queued; `committed` settles when it is stored, or rejects if that failed after the answer. */
export type WriteResult =
  | { status: 201; message: ApiMessage }
  | { status: 202; id: string; committed?: Promise<unknown> };

/** Messages of conversations: post into the hot tier, page newest-first over hot ∪ lake, edit, delete, ack. */
export class MessageService {
  constructor(
    private readonly lake: Lake,
    private readonly hot: HotTier,
    private readonly deleteGraceMs: number,
    /** Where posted attachment ids must exist; without it, a post naming attachments is refused. */
    private readonly attachments?: Attachments,
  ) {}

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
    const participants = await this.lake.catalog.participants(c.platform, c.conversationId);
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
    const decoder = this.lake.platforms.decoder(API_PLATFORM);
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
      const [row] = await (await this.lake.query()).get([messageId], API_PLATFORM, { original: true });
      if (row) return { status: 202, id: this.repeatOf(row, message, input).id };
    }
    const accepted = this.hot.accept({
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
      const [row] = await (await this.lake.query()).get([messageId], API_PLATFORM, { original: true });
      if (!row)
        throw new ChatlakeError('conflict', `message ${formatId(API_PLATFORM, messageId)} exists already`);
      this.repeatOf(row, message, input);
      return { status: 201, message: await this.get(id, true) };
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

  async list(conv: PublicId, q: ListQuery): Promise<MessagePage> {
    const c = await this.conversation(conv);
    const digest = `messages:${conv.platform}:${conv.id}:${q.before ?? ''}:${q.after ?? ''}`;
    const cursors = new KeysetCursors((await this.lake.query()).cursorCodec, digest);
    const keyset = cursors.after(q.cursor || undefined);
    const upper = Math.min(keyset ? keyset[0] + 1 : c.lastAt + 1, q.before ?? Number.POSITIVE_INFINITY);
    const lower = Math.max(q.after === undefined ? c.firstAt : q.after + 1, c.firstAt);
    // The query service reads the newest files first and stops at the limit: a page touches a day or two.
    // Deleted messages are read and left out, so the read goes on after the last row until the page, and
    // one more message (is there a next page?), is full or the conversation has no more.
    const page: Read[] = [];
    let after = keyset;
    for (;;) {
      const want = q.limit + 1 - page.length;
      const read = await this.read(conv, {
        from: lower,
        to: upper,
        order: 'desc',
        limit: want,
        keyset: after,
      });
      page.push(...read.filter((r) => !r.message.deleted));
      const last = read.at(-1);
      if (read.length < want || !last || page.length > q.limit) break;
      after = rowKeyset(last.row);
    }
    const { rows, cursor } = cursors.page(page, q.limit, (p) => rowKeyset(p.row));
    return { messages: rows.map((p) => p.message), nextCursor: cursor };
  }

  /** The message and its neighbours: about half older, half newer, newest first. No cursor. */
  async around(conv: PublicId, messageId: string, limit: number): Promise<MessagePage> {
    const center = await this.get({ platform: conv.platform, id: messageId });
    if (center.conversationId !== formatId(conv.platform, conv.id)) {
      throw new ChatlakeError('not_found', `message ${messageId} is not in this conversation`);
    }
    const t = Date.parse(center.sentAt);
    const shown = (read: Read[]) => read.map((r) => r.message).filter((m) => !m.deleted);
    const newer = shown(
      await this.read(conv, {
        from: t,
        order: 'asc',
        limit: Math.floor((limit - 1) / 2),
        keyset: [t, messageId],
      }),
    ).reverse();
    // The centre, then what is strictly older by (time, id): messages of the centre's millisecond are newer or
    // older by their id, never both.
    const older =
      limit - newer.length > 1
        ? shown(
            await this.read(conv, {
              to: t + 1,
              order: 'desc',
              limit: limit - newer.length - 1,
              keyset: [t, messageId],
            }),
          )
        : [];
    return { messages: [...newer, center, ...older], nextCursor: null };
  }

  /** Up to `limit` messages of one conversation in `order`, status syncs left out, each with its API view. */
  private async read(
    conv: PublicId,
    range: Pick<MessageQuery, 'from' | 'to' | 'order' | 'limit' | 'keyset'>,
  ): Promise<Read[]> {
    const rows: QueryRow[] = [];
    for await (const batch of (await this.lake.query()).rows({
      dataset: 'messages',
      platform: conv.platform,
      conversation: conv.id,
      withoutStatus: true,
      columns: VIEW_COLUMNS,
      ...range,
    }))
      rows.push(...batch);
    const changes = await this.changesOf(conv.platform, rows);
    return rows.map((row) => ({ row, message: apiMessage(row, changes.get(String(row.message_id))) }));
  }

  async get(msg: PublicId, includeDeleted = false): Promise<ApiMessage> {
    const rows = await (await this.lake.query()).get([msg.id], msg.platform, { original: true });
    const row = rows[0];
    if (!row) throw new ChatlakeError('not_found', `no message ${msg.platform}:${msg.id}`);
    const changes = await this.changesOf(msg.platform, rows);
    const m = apiMessage(row, changes.get(msg.id));
    if (m.deleted && !includeDeleted) throw new ChatlakeError('not_found', `message ${m.id} was deleted`);
    return m;
  }

  /** The original and every edit, oldest first. */
  async history(
    msg: PublicId,
  ): Promise<{ version: number; text: string | null; at: string; actor: string | null }[]> {
    const current = await this.get(msg, true);
    const [row] = await (await this.lake.query()).get([msg.id], msg.platform, { original: true });
    const original = apiMessage(row!);
    const changes = await this.lake.catalog.messageChanges(msg.platform, [msg.id]);
    let version = 1;
    return [
      { version, text: original.content, at: original.sentAt, actor: current.senderId },
      ...changes
        .filter((c) => c.change === 'edit')
        .map((c) => ({ version: ++version, text: c.text, at: new Date(c.at).toISOString(), actor: c.actor })),
    ];
  }

  async edit(msg: PublicId, text: string, actor: string): Promise<ApiMessage> {
    const current = await this.get(msg);
    if (current.revoked)
      throw new ChatlakeError('conflict', `message ${current.id} was revoked; it cannot be edited`);
    await this.change(msg, 'edit', text, actor);
    return this.get(msg);
  }

  async remove(msg: PublicId, actor: string): Promise<void> {
    await this.get(msg);
    await this.change(msg, 'delete', null, actor);
  }

  async restore(msg: PublicId, actor: string): Promise<ApiMessage> {
    const m = await this.get(msg, true);
    if (!m.deleted) return m;
    const changes = await this.lake.catalog.messageChanges(msg.platform, [msg.id]);
    const deletedAt = changes.filter((c) => c.change === 'delete').at(-1)!.at;
    if (Date.now() - deletedAt > this.deleteGraceMs) {
      throw new ChatlakeError(
        'conflict',
        `message ${m.id} was deleted more than the grace period ago; it cannot be restored`,
      );
    }
    await this.change(msg, 'restore', null, actor);
    return this.get(msg);
  }

  async ack(msg: PublicId, participantId: string, state: 'delivered' | 'read') {
    const m = await this.get(msg);
    const conv = m.conversationId.slice(msg.platform.length + 1);
    const participants = await this.lake.catalog.participants(msg.platform, conv);
    if (participants.length > 0 && !participants.some((p) => p.participantId === participantId)) {
      throw new ChatlakeError('unprocessable', `${participantId} is not a participant of this conversation`);
    }
    const at = Date.now();
    await this.lake.catalog.write((tx) =>
      tx.ackMessage({
        platform: msg.platform,
        messageId: msg.id,
        participantId,
        deliveredAt: at,
        readAt: state === 'read' ? at : null,
      }),
    );
    return (await this.lake.catalog.messageAcks(msg.platform, msg.id)).map((a) => ({
      participantId: a.participantId,
      deliveredAt: a.deliveredAt === null ? null : new Date(a.deliveredAt).toISOString(),
      readAt: a.readAt === null ? null : new Date(a.readAt).toISOString(),
    }));
  }

  private async change(
    msg: PublicId,
    change: 'edit' | 'delete' | 'restore',
    text: string | null,
    actor: string,
  ) {
    const at = Date.now();
    await this.lake.catalog.write(async (tx) => {
      await tx.addMessageChange({ platform: msg.platform, messageId: msg.id, change, text, actor, at });
      await tx.appendAudit({
        at,
        actor,
        action: `message.${change}`,
        target: `${msg.platform}:${msg.id}`,
        detail: null,
      });
    });
  }

  private async changesOf(
    platform: string,
    rows: readonly QueryRow[],
  ): Promise<Map<string, MessageChangeRow[]>> {
    const out = new Map<string, MessageChangeRow[]>();
    const changes = await this.lake.catalog.messageChanges(
      platform,
      rows.map((r) => String(r.message_id)),
    );
    for (const c of changes) {
      const list = out.get(c.messageId) ?? [];
      list.push(c);
      out.set(c.messageId, list);
    }
    return out;
  }

  /** Each posted id's stored attachment, in the order posted; 422 naming the first id that is not stored. */
  private async linkedAttachments(ids: readonly string[]): Promise<AttachmentRef[]> {
    const out: AttachmentRef[] = [];
    for (const id of ids) {
      const info = await this.attachments?.info(id);
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

  private async conversation(conv: PublicId): Promise<ConversationInfo> {
    const c = await this.lake.catalog.conversation(conv.platform, conv.id);
    if (!c) throw new ChatlakeError('not_found', `no conversation ${conv.platform}:${conv.id}`);
    return c;
  }

  private async writableConversation(conv: PublicId): Promise<ConversationInfo> {
    const c = await this.conversation(conv);
    if (c.platform !== API_PLATFORM) {
      throw new ChatlakeError(
        'unprocessable',
        `conversation ${conv.platform}:${conv.id} comes from ${conv.platform} and is read-only here`,
      );
    }
    return c;
  }
}

/** A message as read: its row (for cursors) and its API view (with edits, deletion, acks applied). */
interface Read {
  row: QueryRow;
  message: ApiMessage;
}
