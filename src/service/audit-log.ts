import type { TokenAuditStore } from '../catalog/ports/token-audit-store.js';
import type { AuditFilter, AuditRow } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { CursorCodec } from '../query/cursor-codec.js';
import { KeysetCursors } from '../query/keyset-page.js';
import { type AuditVerdict, verifyAuditChain } from './audit-chain.js';

/** An audit entry as the API and `chatlake audit list --json` show it. */
export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
  hash: string;
}

export interface AuditListQuery {
  limit: number;
  /** A cursor from the previous page (same filters), or `after`: an entry id. Not both. */
  cursor?: string;
  after?: number;
  actor?: string;
  action?: string;
  target?: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  nextCursor: string | null;
  /** The id to pass as `after` for the next page; null on the last page. */
  nextAfter: number | null;
}

/** Reading the audit log page by page, oldest first, filtered by actor, action and target; verifying its chain. */
export class AuditLog {
  constructor(
    private readonly catalog: Pick<TokenAuditStore, 'auditEntries' | 'auditLog'>,
    private readonly cursors: CursorCodec,
  ) {}

  async list(q: AuditListQuery): Promise<AuditPage> {
    if (q.cursor !== undefined && q.after !== undefined)
      throw new ChatlakeError('invalid_argument', 'pass cursor or after, not both');
    const digest = `audit:${JSON.stringify([q.actor ?? null, q.action ?? null, q.target ?? null])}`;
    const cursors = new KeysetCursors(this.cursors, digest);
    // A cursor's key is [entry id, ""]: the ids order the log.
    const afterId = cursors.after(q.cursor)?.[0] ?? q.after;
    const filter: AuditFilter = {
      afterId,
      actor: q.actor,
      action: q.action,
      target: q.target,
      limit: q.limit + 1,
    };
    const rows = await this.catalog.auditEntries(filter);
    const page = cursors.page(rows, q.limit, (r) => [r.id, '']);
    const last = page.rows.at(-1);
    return {
      entries: page.rows.map(auditEntryView),
      nextCursor: page.cursor,
      nextAfter: page.cursor !== null && last ? last.id : null,
    };
  }

  /** Walks the whole hash chain (`verifyAuditChain`). */
  async verify(): Promise<AuditVerdict> {
    return verifyAuditChain(await this.catalog.auditLog());
  }
}

function auditEntryView(r: AuditRow): AuditEntryView {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: JSON.parse(r.detail),
    hash: r.hash,
  };
}
