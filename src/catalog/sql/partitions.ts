import { sql } from 'kysely';
import type { Dataset } from '../../core/lake-record.js';
import type { PartitionRow } from '../catalog.js';
import { type CatalogSql, compareKeys, num } from './catalog-sql.js';

export async function partitions({ db }: CatalogSql, dataset?: Dataset): Promise<PartitionRow[]> {
  let q = db.selectFrom('partitions').selectAll().orderBy('dataset').orderBy('partition');
  if (dataset) q = q.where('dataset', '=', dataset);
  return (await q.execute()).map((r) => ({
    dataset: r.dataset as Dataset,
    partition: r.partition,
    rows: num(r.rows),
    files: num(r.files),
    bytes: num(r.bytes),
    minTime: num(r.min_time),
    maxTime: num(r.max_time),
  }));
}

/**
 * Adds per-file deltas to their partitions' totals in one upsert (bounds widened unless told to keep them).
 * Rows go in key order, as every writer's do, so concurrent writers lock partition rows in the same order.
 */
export async function adjustPartitions(
  { db, traits }: CatalogSql,
  deltas: readonly PartitionRow[],
  widenBounds: boolean,
): Promise<void> {
  const byPartition = new Map<string, PartitionRow>();
  for (const d of deltas) {
    const key = `${d.dataset}\u0000${d.partition}`;
    const sum = byPartition.get(key);
    if (!sum) byPartition.set(key, { ...d });
    else {
      sum.rows += d.rows;
      sum.files += d.files;
      sum.bytes += d.bytes;
      sum.minTime = Math.min(sum.minTime, d.minTime);
      sum.maxTime = Math.max(sum.maxTime, d.maxTime);
    }
  }
  if (byPartition.size === 0) return;
  const { least, greatest } = traits;
  const rows = [...byPartition.entries()]
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([, d]) => ({
      dataset: d.dataset,
      partition: d.partition,
      rows: d.rows,
      files: d.files,
      bytes: d.bytes,
      min_time: d.minTime,
      max_time: d.maxTime,
    }));
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('partitions')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(['dataset', 'partition']).doUpdateSet({
          rows: sql`partitions.rows + excluded.rows`,
          files: sql`partitions.files + excluded.files`,
          bytes: sql`partitions.bytes + excluded.bytes`,
          min_time: widenBounds
            ? sql`${sql.raw(least)}(partitions.min_time, excluded.min_time)`
            : sql`partitions.min_time`,
          max_time: widenBounds
            ? sql`${sql.raw(greatest)}(partitions.max_time, excluded.max_time)`
            : sql`partitions.max_time`,
        }),
      )
      .execute();
  }
}

/** Sets a partition's time bounds to its remaining files' (or drops the partition when none remain). */
export async function recomputePartitionBounds(
  { db }: CatalogSql,
  dataset: string,
  partition: string,
): Promise<void> {
  const agg = await db
    .selectFrom('data_files')
    .select((eb) => [
      eb.fn.min('min_time').as('lo'),
      eb.fn.max('max_time').as('hi'),
      eb.fn.countAll().as('n'),
    ])
    .where('dataset', '=', dataset)
    .where('partition', '=', partition)
    .executeTakeFirst();
  if (!agg || num(agg.n) === 0) {
    await db
      .deleteFrom('partitions')
      .where('dataset', '=', dataset)
      .where('partition', '=', partition)
      .execute();
    return;
  }
  await db
    .updateTable('partitions')
    .set({ min_time: num(agg.lo), max_time: num(agg.hi) })
    .where('dataset', '=', dataset)
    .where('partition', '=', partition)
    .execute();
}
