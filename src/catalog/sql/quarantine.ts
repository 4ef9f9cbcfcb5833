import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { bulkInsert } from '../bulk-insert.js';
import type { NewQuarantine, QuarantineRow, QuarantineStatus } from '../catalog.js';
import type { CatalogSchema } from '../schema.js';
import { type CatalogSql, compareKeys, num, numOrNull } from './catalog-sql.js';

export async function quarantine(
  { db }: CatalogSql,
  filter: { status?: QuarantineStatus; limit?: number; afterId?: number },
): Promise<QuarantineRow[]> {
  let q = db
    .selectFrom('quarantine')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit ?? 100);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  return (await q.execute()).map(toQuarantine);
}

export async function quarantineEntry({ db }: CatalogSql, id: number): Promise<QuarantineRow | null> {
  const r = await db.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toQuarantine(r) : null;
}

export async function quarantineCounts({ db }: CatalogSql): Promise<Record<QuarantineStatus, number>> {
  const rows = await db
    .selectFrom('quarantine')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const out: Record<QuarantineStatus, number> = { open: 0, retried: 0, resolved: 0, dismissed: 0 };
  for (const r of rows) out[r.status as QuarantineStatus] = num(r.n);
  return out;
}

/** How many entries match (of a status; after an id: what a page leaves). */
export async function quarantineCount(
  { db }: CatalogSql,
  filter: { status?: QuarantineStatus; afterId?: number },
): Promise<number> {
  let q = db.selectFrom('quarantine').select((eb) => eb.fn.countAll().as('n'));
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  return num((await q.executeTakeFirst())?.n ?? 0);
}

export async function addQuarantine(
  { db, traits }: CatalogSql,
  rows: readonly NewQuarantine[],
  taskId: number | null,
): Promise<void> {
  const createdAt = Date.now();
  // An entry is its bytes: the same payload again bumps `seen` (migration 005). Copies within the batch
  // fold first (an upsert may not touch a row twice); hash order, so concurrent writers never deadlock.
  const byHash = new Map<string, { r: NewQuarantine; seen: number }>();
  for (const r of rows) {
    const hash = createHash('sha256').update(r.raw).digest('hex');
    const found = byHash.get(hash);
    if (found) found.seen++;
    else byHash.set(hash, { r, seen: 1 });
  }
  const ordered = [...byHash.entries()].sort((a, b) => compareKeys(a[0], b[0]));
  await bulkInsert(
    db,
    traits,
    'quarantine',
    [
      ['source', 'text'],
      ['line', 'bigint'],
      ['byte_offset', 'bigint'],
      ['reason', 'text'],
      ['raw', traits.blobType],
      ['status', 'text'],
      ['task_id', 'integer'],
      ['created_at', 'bigint'],
      ['content_hash', 'text'],
      ['seen', 'bigint'],
      ['last_seen_at', 'bigint'],
    ],
    ordered.map(([hash, { r, seen }]) => [
      r.source,
      r.line,
      r.byteOffset,
      r.reason,
      r.raw,
      'open',
      taskId,
      createdAt,
      hash,
      seen,
      createdAt,
    ]),
    'on conflict (content_hash) do update set seen = quarantine.seen + excluded.seen, last_seen_at = excluded.last_seen_at',
  );
}

export async function setQuarantineStatus(
  { db }: CatalogSql,
  ids: readonly number[],
  status: QuarantineStatus,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('quarantine')
    .set({ status, resolved_at: status === 'open' ? null : Date.now() })
    .where('id', 'in', ids)
    .execute();
}

/** Closes open entries as dismissed with the reason; returns the ids that were open. */
export async function dismissQuarantine(
  { db, traits }: CatalogSql,
  ids: readonly number[] | 'all',
  reason: string,
): Promise<number[]> {
  const at = Date.now();
  const update = () =>
    db
      .updateTable('quarantine')
      .set({ status: 'dismissed', resolved_at: at, dismiss_reason: reason })
      .where('status', '=', 'open');
  if (ids === 'all') return (await update().returning('id').execute()).map((r) => num(r.id));
  const out: number[] = [];
  const chunk = traits.maxParams - 8;
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await update()
      .where('id', 'in', ids.slice(i, i + chunk))
      .returning('id')
      .execute();
    for (const r of rows) out.push(num(r.id));
  }
  return out.sort((a, b) => a - b);
}

function toQuarantine(r: Selectable<CatalogSchema['quarantine']>): QuarantineRow {
  return {
    id: num(r.id),
    source: r.source,
    line: numOrNull(r.line),
    byteOffset: numOrNull(r.byte_offset),
    reason: r.reason,
    raw: r.raw,
    status: r.status as QuarantineStatus,
    taskId: numOrNull(r.task_id),
    createdAt: num(r.created_at),
    resolvedAt: numOrNull(r.resolved_at),
    contentHash: r.content_hash,
    seen: num(r.seen),
    lastSeenAt: num(r.last_seen_at ?? r.created_at),
    dismissReason: r.dismiss_reason,
  };
}
