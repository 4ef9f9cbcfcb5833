import type { Checkpoint, SourceRow, TaskRow, TaskStatus } from '../catalog.js';
import { type CatalogSql, num, numOrNull } from './catalog-sql.js';

/** The source with this uri, registered first if it is new. */
export async function source(
  { db }: CatalogSql,
  uri: string,
  kind: string,
  platform: string,
): Promise<SourceRow> {
  await db
    .insertInto('sources')
    .values({ uri, kind, platform, created_at: Date.now() })
    .onConflict((oc) => oc.column('uri').doNothing())
    .execute();
  const row = await db.selectFrom('sources').selectAll().where('uri', '=', uri).executeTakeFirstOrThrow();
  return { id: num(row.id), uri: row.uri, kind: row.kind, platform: row.platform };
}

/** Sources by id (the ones a file's lineage names). */
export async function sourcesById({ db }: CatalogSql, ids: readonly number[]): Promise<SourceRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('sources')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: num(r.id), uri: r.uri, kind: r.kind, platform: r.platform }));
}

/** The source's checkpoint: its cursor, as its cursor kind wrote it (the catalog never reads it). */
export async function checkpoint({ db }: CatalogSql, sourceId: number): Promise<Checkpoint | null> {
  const r = await db
    .selectFrom('checkpoints')
    .select('cursor')
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return r ? { sourceId, cursor: r.cursor } : null;
}

export async function saveCheckpoint({ db }: CatalogSql, cp: Checkpoint): Promise<void> {
  const values = { cursor: cp.cursor, updated_at: Date.now() };
  await db
    .insertInto('checkpoints')
    .values({ source_id: cp.sourceId, ...values })
    .onConflict((oc) => oc.column('source_id').doUpdateSet(values))
    .execute();
}

/** Drops the checkpoints of these sources: their next ingest reads them from the start. */
export async function removeCheckpoints({ db }: CatalogSql, sourceIds: readonly number[]): Promise<void> {
  if (sourceIds.length === 0) return;
  await db
    .deleteFrom('checkpoints')
    .where('source_id', 'in', [...sourceIds])
    .execute();
}

export async function startTask({ db }: CatalogSql, kind: string, args: unknown): Promise<number> {
  const r = await db
    .insertInto('tasks')
    .values({ kind, status: 'running', started_at: Date.now(), args: JSON.stringify(args ?? null) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return num(r.id);
}

export async function finishTask(
  { db }: CatalogSql,
  id: number,
  status: TaskStatus,
  counts: unknown,
  error: string | null = null,
): Promise<void> {
  await db
    .updateTable('tasks')
    .set({ status, ended_at: Date.now(), counts: JSON.stringify(counts ?? null), error })
    .where('id', '=', id)
    .execute();
}

export async function tasks({ db }: CatalogSql, limit: number, kind?: string): Promise<TaskRow[]> {
  let q = db.selectFrom('tasks').selectAll().orderBy('id', 'desc').limit(limit);
  if (kind) q = q.where('kind', '=', kind);
  return (await q.execute()).map((r) => ({
    id: num(r.id),
    kind: r.kind,
    status: r.status as TaskStatus,
    startedAt: num(r.started_at),
    endedAt: numOrNull(r.ended_at),
    args: r.args ? JSON.parse(r.args) : null,
    counts: r.counts ? JSON.parse(r.counts) : null,
    error: r.error,
  }));
}

/** Marks tasks still "running" whose process is gone (a crash) as interrupted. */
export async function interruptStaleTasks({ db }: CatalogSql, olderThan: number): Promise<number> {
  const r = await db
    .updateTable('tasks')
    .set({ status: 'interrupted', ended_at: Date.now(), error: 'the process ended before the task finished' })
    .where('status', '=', 'running')
    .where('started_at', '<', olderThan)
    .executeTakeFirst();
  return num(r.numUpdatedRows);
}
