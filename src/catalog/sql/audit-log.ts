import { type Selectable, sql } from 'kysely';
import { AUDIT_GENESIS, auditHash } from '../../core/audit-hash.js';
import type { CatalogSchema } from '../schema.js';
import type { AuditFilter, AuditRow, NewAuditEntry } from '../service-catalog.js';
import { type CatalogSql, num } from './catalog-sql.js';

export async function auditLog({ db }: CatalogSql): Promise<AuditRow[]> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
  return rows.map(toAudit);
}

/** A page of the audit log, oldest first: entries after `afterId` matching the filters, at most `limit`. */
export async function auditEntries({ db }: CatalogSql, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id').limit(f.limit);
  if (f.afterId !== undefined) q = q.where('id', '>', f.afterId);
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.target !== undefined) q = q.where('target', '=', f.target);
  return (await q.execute()).map(toAudit);
}

/** Appends to the hash chain: hash = sha256(prev_hash + the entry). */
export async function appendAudit({ db, traits }: CatalogSql, e: NewAuditEntry): Promise<AuditRow> {
  // One appender at a time, or two writers could both extend the same head and fork the chain.
  const lock = traits.lockTable('audit_log');
  if (lock) await sql.raw(lock).execute(db);
  const last = await db
    .selectFrom('audit_log')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prevHash = last?.hash ?? AUDIT_GENESIS;
  const entry = {
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target,
    detail: JSON.stringify(e.detail ?? null),
  };
  const hash = auditHash(prevHash, entry);
  const r = await db
    .insertInto('audit_log')
    .values({ ...entry, prev_hash: prevHash, hash })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: num(r.id), ...entry, prevHash, hash };
}

function toAudit(r: Selectable<CatalogSchema['audit_log']>): AuditRow {
  return {
    id: num(r.id),
    at: num(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
