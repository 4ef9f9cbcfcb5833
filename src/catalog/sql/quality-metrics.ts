import type { Dataset } from '../../core/lake-record.js';
import { bulkInsert } from '../bulk-insert.js';
import type { NewQualityMetric, QualityMetricRow } from '../catalog.js';
import { type CatalogSql, num } from './catalog-sql.js';

export async function qualityMetrics({ db }: CatalogSql, taskId: number): Promise<QualityMetricRow[]> {
  const rows = await db.selectFrom('quality_metrics').selectAll().where('task_id', '=', taskId).execute();
  return rows.map((r) => ({
    taskId: num(r.task_id),
    dataset: r.dataset as Dataset,
    metric: r.metric,
    numerator: num(r.numerator),
    denominator: num(r.denominator),
    value: Number(r.value),
  }));
}

export async function addQualityMetrics(
  { db, traits }: CatalogSql,
  rows: readonly NewQualityMetric[],
): Promise<void> {
  const createdAt = Date.now();
  await bulkInsert(
    db,
    traits,
    'quality_metrics',
    [
      ['task_id', 'integer'],
      ['dataset', 'text'],
      ['metric', 'text'],
      ['numerator', 'bigint'],
      ['denominator', 'bigint'],
      ['value', 'double precision'],
      ['created_at', 'bigint'],
    ],
    rows.map((r) => [
      r.taskId,
      r.dataset,
      r.metric,
      r.numerator,
      r.denominator,
      r.denominator === 0 ? 0 : r.numerator / r.denominator,
      createdAt,
    ]),
  );
}
