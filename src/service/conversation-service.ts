import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import type { ConversationInfo, ParticipantRow } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';
import { API_PLATFORM } from '../platforms/api/api-message.js';
import type { CursorCodec } from '../query/cursor-codec.js';
import { KeysetCursors } from '../query/keyset-page.js';
import { formatId, type PublicId } from './public-id.js';

export interface ApiConversation {
  id: string;
  platform: string;
  type: 'direct' | 'group';
  metadata: Record<string, unknown>;
  messageCount: number;
  firstMessageAt: string | null;
  lastMessageAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface ApiParticipant {
  id: string;
  role: string;
  joinedAt: string;
}

export interface NewConversationInput {
  id?: string;
  type: 'direct' | 'group';
  participants?: { id: string; role?: string }[];
  metadata?: Record<string, unknown>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Conversations (API-created and platform ones alike) and their participants. */
export class ConversationService {
  constructor(
    private readonly catalog: Catalog,
    private readonly cursors: CursorCodec,
  ) {}

  async create(input: NewConversationInput, actor: string): Promise<ApiConversation> {
    const id = input.id ?? `c_${Date.now().toString(36)}${randomBytes(8).toString('base64url')}`;
    const participants = input.participants ?? [];
    if (input.type === 'direct' && participants.length > 2) {
      throw new ChatlakeError('unprocessable', 'a direct conversation has at most 2 participants');
    }
    const at = Date.now();
    const created = await this.catalog.write(async (tx) => {
      const fresh = await tx.createConversation({
        platform: API_PLATFORM,
        conversationId: id,
        isGroup: input.type === 'group',
        metadata: JSON.stringify(input.metadata ?? {}),
        createdAt: at,
      });
      if (!fresh) return false;
      await tx.upsertParticipants(
        participants.map((p) => ({
          platform: API_PLATFORM,
          conversationId: id,
          participantId: p.id,
          role: p.role ?? 'member',
          joinedAt: at,
        })),
      );
      await tx.appendAudit({
        at,
        actor,
        action: 'conversation.create',
        target: formatId(API_PLATFORM, id),
        detail: { type: input.type, participants: participants.length },
      });
      return true;
    });
    if (!created)
      throw new ChatlakeError('conflict', `conversation ${formatId(API_PLATFORM, id)} exists already`);
    return this.get({ platform: API_PLATFORM, id });
  }

  async get(conv: PublicId): Promise<ApiConversation> {
    return view(await this.info(conv));
  }

  async list(q: {
    limit: number;
    cursor?: string;
    platform?: string;
    type?: 'direct' | 'group';
  }): Promise<{ conversations: ApiConversation[]; nextCursor: string | null }> {
    const digest = `conversations:${q.platform ?? ''}:${q.type ?? ''}`;
    const cursors = new KeysetCursors(this.cursors, digest);
    const after = cursors.after(q.cursor || undefined);
    let before: { lastAt: number; platform: string; conversationId: string } | undefined;
    if (after) {
      const [lastAt, key] = after;
      const [platform, conversationId] = JSON.parse(key) as [string, string];
      before = { lastAt, platform, conversationId };
    }
    const rows = await this.catalog.listConversations({
      platform: q.platform,
      isGroup: q.type === undefined ? undefined : q.type === 'group',
      before,
      limit: q.limit + 1,
    });
    const page = cursors.page(rows, q.limit, (c) => [
      c.lastAt,
      JSON.stringify([c.platform, c.conversationId]),
    ]);
    return { conversations: page.rows.map(view), nextCursor: page.cursor };
  }

  async updateMetadata(
    conv: PublicId,
    metadata: Record<string, unknown>,
    actor: string,
  ): Promise<ApiConversation> {
    const current = await this.info(conv);
    const merged = { ...(current.metadata ? JSON.parse(current.metadata) : {}), ...metadata };
    const at = Date.now();
    await this.catalog.write(async (tx) => {
      await tx.updateConversationMetadata(conv.platform, conv.id, JSON.stringify(merged));
      await tx.appendAudit({
        at,
        actor,
        action: 'conversation.update',
        target: formatId(conv.platform, conv.id),
        detail: { keys: Object.keys(metadata) },
      });
    });
    return this.get(conv);
  }

  async participants(conv: PublicId): Promise<ApiParticipant[]> {
    await this.info(conv);
    return (await this.catalog.participants(conv.platform, conv.id)).map(participantView);
  }

  async addParticipant(
    conv: PublicId,
    p: { id: string; role?: string },
    actor: string,
  ): Promise<ApiParticipant[]> {
    const c = await this.info(conv);
    const current = await this.catalog.participants(conv.platform, conv.id);
    if (!c.isGroup && current.length >= 2 && !current.some((x) => x.participantId === p.id)) {
      throw new ChatlakeError('unprocessable', 'a direct conversation has at most 2 participants');
    }
    const at = Date.now();
    const row: ParticipantRow = {
      platform: conv.platform,
      conversationId: conv.id,
      participantId: p.id,
      role: p.role ?? 'member',
      joinedAt: at,
    };
    await this.catalog.write(async (tx) => {
      await tx.upsertParticipants([row]);
      await tx.appendAudit({
        at,
        actor,
        action: 'participant.add',
        target: formatId(conv.platform, conv.id),
        detail: { participant: p.id, role: row.role },
      });
    });
    return this.participants(conv);
  }

  async removeParticipant(conv: PublicId, participantId: string, actor: string): Promise<void> {
    await this.info(conv);
    const at = Date.now();
    const removed = await this.catalog.write(async (tx) => {
      const ok = await tx.removeParticipant(conv.platform, conv.id, participantId);
      if (ok)
        await tx.appendAudit({
          at,
          actor,
          action: 'participant.remove',
          target: formatId(conv.platform, conv.id),
          detail: { participant: participantId },
        });
      return ok;
    });
    if (!removed) throw new ChatlakeError('not_found', `${participantId} is not a participant`);
  }

  private async info(conv: PublicId): Promise<ConversationInfo> {
    const c = await this.catalog.conversation(conv.platform, conv.id);
    if (!c) throw new ChatlakeError('not_found', `no conversation ${formatId(conv.platform, conv.id)}`);
    return c;
  }
}

function view(c: ConversationInfo): ApiConversation {
  const empty = c.messageCount === 0;
  return {
    id: formatId(c.platform, c.conversationId),
    platform: c.platform,
    type: c.isGroup ? 'group' : 'direct',
    metadata: c.metadata ? JSON.parse(c.metadata) : {},
    messageCount: c.messageCount,
    firstMessageAt: empty ? null : iso(c.firstAt),
    lastMessageAt: empty ? null : iso(c.lastAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

function participantView(p: ParticipantRow): ApiParticipant {
  return { id: p.participantId, role: p.role, joinedAt: new Date(p.joinedAt).toISOString() };
}
