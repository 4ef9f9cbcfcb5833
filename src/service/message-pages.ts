import type { ConversationStore } from '../catalog/ports/conversation-store.js';
import type { MessageChangeStore } from '../catalog/ports/message-change-store.js';
import type { ConversationInfo, MessageChangeRow } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';
import { KeysetCursors, rowKeyset } from '../query/keyset-page.js';
import type { MessageQuery, QueryRow } from '../query/message-query.js';
import type { QueryService } from '../query/query-service.js';
import { type ApiMessage, apiMessage, VIEW_COLUMNS } from './api-message-view.js';
import type { PublicId } from './public-id.js';
import { formatId } from './public-id.js';

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

/** What reading messages uses: conversations' bounds, message changes, and the query service. */
export interface MessagePagesDeps {
  catalog: Pick<ConversationStore, 'conversation'> & Pick<MessageChangeStore, 'messageChanges'>;
  query: Pick<QueryService, 'cursorCodec' | 'rows' | 'get'>;
}

/** Reading messages as the API shows them (edits and deletion applied): one by id, or pages newest-first over hot ∪ lake. */
export class MessagePages {
  constructor(private readonly deps: MessagePagesDeps) {}

  async list(conv: PublicId, q: ListQuery): Promise<MessagePage> {
    const c = await this.conversation(conv);
    const digest = `messages:${conv.platform}:${conv.id}:${q.before ?? ''}:${q.after ?? ''}`;
    const cursors = new KeysetCursors(this.deps.query.cursorCodec, digest);
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

  async get(msg: PublicId, includeDeleted = false): Promise<ApiMessage> {
    const rows = await this.deps.query.get([msg.id], msg.platform, { original: true });
    const row = rows[0];
    if (!row) throw new ChatlakeError('not_found', `no message ${msg.platform}:${msg.id}`);
    const changes = await this.changesOf(msg.platform, rows);
    const m = apiMessage(row, changes.get(msg.id));
    if (m.deleted && !includeDeleted) throw new ChatlakeError('not_found', `message ${m.id} was deleted`);
    return m;
  }

  /** The conversation, or not_found naming it. */
  async conversation(conv: PublicId): Promise<ConversationInfo> {
    const c = await this.deps.catalog.conversation(conv.platform, conv.id);
    if (!c) throw new ChatlakeError('not_found', `no conversation ${conv.platform}:${conv.id}`);
    return c;
  }

  /** Up to `limit` messages of one conversation in `order`, status syncs left out, each with its API view. */
  private async read(
    conv: PublicId,
    range: Pick<MessageQuery, 'from' | 'to' | 'order' | 'limit' | 'keyset'>,
  ): Promise<Read[]> {
    const rows: QueryRow[] = [];
    for await (const batch of this.deps.query.rows({
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

  private async changesOf(
    platform: string,
    rows: readonly QueryRow[],
  ): Promise<Map<string, MessageChangeRow[]>> {
    const out = new Map<string, MessageChangeRow[]>();
    const changes = await this.deps.catalog.messageChanges(
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
}

/** A message as read: its row (for cursors) and its API view (with edits, deletion, acks applied). */
interface Read {
  row: QueryRow;
  message: ApiMessage;
}
