import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { Dataset } from '../../core/lake-record.js';
import { bulkInsert } from '../bulk-insert.js';
import type { CatalogSchema } from '../schema.js';
import type { HotFilter, HotRecordRow, HotSummary, NewHotRecord } from '../service-catalog.js';
import { type CatalogSql, num, numOrNull } from './catalog-sql.js';

/** Hot records in acceptance order (compaction), or filtered by conversation/time/keys (reads). */
export async function hotRecords({ db }: CatalogSql, f: HotFilter): Promise<HotRecordRow[]> {
  if (f.keys?.length === 0) return [];
  let q = matching(db.selectFrom('hot_records').selectAll(), f);
  if (f.afterId !== undefined) q = q.where('id', '>', f.afterId);
  if (f.before) q = q.where(sql<boolean>`(time, record_key) < (${f.before.time}, ${f.before.key})`);
  if (f.after) q = q.where(sql<boolean>`(time, record_key) > (${f.after.time}, ${f.after.key})`);
  const order = f.order ?? 'id';
  if (order === 'id') q = q.orderBy('id');
  else {
    const dir = order === 'time-asc' ? 'asc' : 'desc';
    q = q.orderBy('time', dir).orderBy('record_key', dir);
  }
  if (f.limit !== undefined) q = q.limit(f.limit);
  return (await q.execute()).map(toHot);
}

/** Totals of the hot records matching the filter's conversation/time/keys (all of them without one). */
export async function hotSummary({ db }: CatalogSql, f: HotFilter = {}): Promise<HotSummary> {
  if (f.keys?.length === 0) return { rows: 0, bytes: 0, oldestAcceptedAt: null, lastId: null };
  const r = await matching(
    db
      .selectFrom('hot_records')
      .select((eb) => [
        eb.fn.countAll().as('rows'),
        eb.fn.sum<number>('bytes').as('bytes'),
        eb.fn.min<number>('accepted_at').as('oldest'),
        eb.fn.max<number>('id').as('last'),
      ]),
    f,
  ).executeTakeFirstOrThrow();
  return {
    rows: num(r.rows),
    bytes: num(r.bytes ?? 0),
    oldestAcceptedAt: numOrNull(r.oldest),
    lastId: numOrNull(r.last),
  };
}

/** Hot rows per dataset and partition (what the hot tier holds that no file does yet). */
export async function hotPartitions({
  db,
}: CatalogSql): Promise<{ dataset: Dataset; partition: string; rows: number }[]> {
  const rows = await db
    .selectFrom('hot_records')
    .select(['dataset', 'partition', (eb) => eb.fn.countAll().as('n')])
    .groupBy(['dataset', 'partition'])
    .orderBy('dataset')
    .orderBy('partition')
    .execute();
  return rows.map((r) => ({ dataset: r.dataset as Dataset, partition: r.partition, rows: num(r.n) }));
}

export async function addHotRecords(
  { db, traits }: CatalogSql,
  rows: readonly NewHotRecord[],
): Promise<void> {
  await bulkInsert(
    db,
    traits,
    'hot_records',
    [
      ['dataset', 'text'],
      ['platform', 'text'],
      ['record_key', 'text'],
      ['partition', 'text'],
      ['time', 'bigint'],
      ['conversation_id', 'text'],
      ['record', 'text'],
      ['bytes', 'integer'],
      ['accepted_at', 'bigint'],
    ],
    rows.map((r) => [
      r.dataset,
      r.platform,
      r.recordKey,
      r.partition,
      r.time,
      r.conversationId,
      r.record,
      Buffer.byteLength(r.record),
      r.acceptedAt,
    ]),
  );
}

/** Removes hot records (their rows are now in a registered file); returns how many were still there. */
export async function removeHotRecords({ db, traits }: CatalogSql, ids: readonly number[]): Promise<number> {
  let removed = 0;
  const chunk = traits.maxParams - 1;
  for (let i = 0; i < ids.length; i += chunk) {
    const r = await db
      .deleteFrom('hot_records')
      .where('id', 'in', ids.slice(i, i + chunk))
      .executeTakeFirst();
    removed += num(r.numDeletedRows);
  }
  return removed;
}

/** The hot-record filter's conditions on what the rows are (dataset, platform, conversation, keys, time). */
function matching<Q extends SelectQueryBuilder<CatalogSchema, 'hot_records', object>>(q: Q, f: HotFilter): Q {
  let out = q;
  if (f.dataset) out = out.where('dataset', '=', f.dataset) as Q;
  if (f.platform) out = out.where('platform', '=', f.platform) as Q;
  if (f.conversationId !== undefined) out = out.where('conversation_id', '=', f.conversationId) as Q;
  if (f.keys) out = out.where('record_key', 'in', [...f.keys]) as Q;
  if (f.fromTime !== undefined) out = out.where('time', '>=', f.fromTime) as Q;
  if (f.toTime !== undefined) out = out.where('time', '<=', f.toTime) as Q;
  return out;
}

function toHot(r: Selectable<CatalogSchema['hot_records']>): HotRecordRow {
  return {
    id: num(r.id),
    dataset: r.dataset as Dataset,
    platform: r.platform,
    recordKey: r.record_key,
    partition: r.partition,
    time: num(r.time),
    conversationId: r.conversation_id,
    record: r.record,
    bytes: num(r.bytes),
    acceptedAt: num(r.accepted_at),
  };
}
