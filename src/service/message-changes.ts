import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { QueryService } from '../query/query-service.js';
import { type ApiMessage, apiMessage } from './api-message-view.js';
import type { MessagePages } from './message-pages.js';
import type { PublicId } from './public-id.js';

/** What changing messages uses: the changes (read and appended with their audit entry), the reads. */
export interface MessageChangesDeps {
  catalog: Pick<Catalog, 'messageChanges' | 'write'>;
  query: Pick<QueryService, 'get'>;
  pages: Pick<MessagePages, 'get'>;
  /** How long a deleted message can still be restored. */
  deleteGraceMs: number;
}

/** Edits, deletions and restores of messages (kept as changes, applied at read time), and their history. */
export class MessageChanges {
  constructor(private readonly deps: MessageChangesDeps) {}

  /** The original and every edit, oldest first. */
  async history(
    msg: PublicId,
  ): Promise<{ version: number; text: string | null; at: string; actor: string | null }[]> {
    const current = await this.deps.pages.get(msg, true);
    const [row] = await this.deps.query.get([msg.id], msg.platform, { original: true });
    const original = apiMessage(row!);
    const changes = await this.deps.catalog.messageChanges(msg.platform, [msg.id]);
    let version = 1;
    return [
      { version, text: original.content, at: original.sentAt, actor: current.senderId },
      ...changes
        .filter((c) => c.change === 'edit')
        .map((c) => ({ version: ++version, text: c.text, at: new Date(c.at).toISOString(), actor: c.actor })),
    ];
  }

  async edit(msg: PublicId, text: string, actor: string): Promise<ApiMessage> {
    const current = await this.deps.pages.get(msg);
    if (current.revoked)
      throw new ChatlakeError('conflict', `message ${current.id} was revoked; it cannot be edited`);
    await this.change(msg, 'edit', text, actor);
    return this.deps.pages.get(msg);
  }

  async remove(msg: PublicId, actor: string): Promise<void> {
    await this.deps.pages.get(msg);
    await this.change(msg, 'delete', null, actor);
  }

  async restore(msg: PublicId, actor: string): Promise<ApiMessage> {
    const m = await this.deps.pages.get(msg, true);
    if (!m.deleted) return m;
    const changes = await this.deps.catalog.messageChanges(msg.platform, [msg.id]);
    const deletedAt = changes.filter((c) => c.change === 'delete').at(-1)!.at;
    if (Date.now() - deletedAt > this.deps.deleteGraceMs) {
      throw new ChatlakeError(
        'conflict',
        `message ${m.id} was deleted more than the grace period ago; it cannot be restored`,
      );
    }
    await this.change(msg, 'restore', null, actor);
    return this.deps.pages.get(msg);
  }

  private async change(
    msg: PublicId,
    change: 'edit' | 'delete' | 'restore',
    text: string | null,
    actor: string,
  ) {
    const at = Date.now();
    await this.deps.catalog.write(async (tx) => {
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
}
