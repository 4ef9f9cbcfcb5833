import { createHash } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dataset } from '../core/lake-record.js';
import { bulkInsert } from './bulk-insert.js';
import type {
  Catalog,
  CatalogWriter,
  Checkpoint,
  ContactRow,
  ConversationRow,
  DataFileRow,
  KeyClaim,
  LineageRow,
  MigrationReport,
  NewDataFile,
  NewQualityMetric,
  NewQuarantine,
  PartitionRow,
  QualityMetricRow,
  QuarantineRow,
  QuarantineStatus,
  RevocationRow,
  SchemaVersionRow,
  SourceRow,
  TaskRow,
  TaskStatus,
  WriterLease,
} from './catalog.js';
import type { DialectTraits } from './dialect-traits.js';
import { KyselyServiceReader, KyselyServiceWriter } from './kysely-service-catalog.js';
import { migrateCatalog } from './migrate-catalog.js';
import type { CatalogSchema } from './schema.js';

type Db = Kysely<CatalogSchema>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const now = () => Date.now();

/** The catalog over any Kysely dialect; a backend folder supplies the connection and its traits. */
export class KyselyCatalog extends KyselyServiceReader implements Catalog {
  constructor(
    db: Db,
    traits: DialectTraits,
    private readonly hooks: {
      /** Resolves once the last commit is on disk, where committing does not wait for it (SQLite: WAL fsync). */
      durable?: () => Promise<void>;
      /** The catalog-wide writer lease, where the backend has one (PostgreSQL). */
      writerLease?: () => Promise<WriterLease | null>;
    } = {},
  ) {
    super(db, traits);
  }

  get backend(): string {
    return this.traits.name;
  }

  migrate(): Promise<MigrationReport> {
    return migrateCatalog(this.db, this.traits);
  }

  /**
   * Runs `fn` in one write transaction; resolves once it is committed and durable. `committed` is called
   * when COMMIT returned, before the durability wait (SQLite's fsync of the WAL): the next transaction may
   * start then, its fsync covering both.
   */
  async write<T>(fn: (tx: CatalogWriter) => Promise<T>, committed?: () => void): Promise<T> {
    const result = await this.db.connection().execute(async (conn) => {
      await sql.raw(this.traits.beginWrite).execute(conn);
      try {
        const result = await fn(new KyselyCatalogWriter(conn, this.traits));
        await sql.raw('commit').execute(conn);
        return result;
      } catch (error) {
        await sql
          .raw('rollback')
          .execute(conn)
          .catch(() => {});
        throw error;
      }
    });
    committed?.();
    await this.hooks.durable?.();
    return result;
  }

  async source(uri: string, kind: string, platform: string): Promise<SourceRow> {
    await this.db
      .insertInto('sources')
      .values({ uri, kind, platform, created_at: now() })
      .onConflict((oc) => oc.column('uri').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('uri', '=', uri)
      .executeTakeFirstOrThrow();
    return { id: num(row.id), uri: row.uri, kind: row.kind, platform: row.platform };
  }

  async checkpoint(sourceId: number): Promise<Checkpoint | null> {
    const r = await this.db
      .selectFrom('checkpoints')
      .selectAll()
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      sourceId,
      offset: num(r.offset),
      line: num(r.line),
      fileSize: num(r.file_size),
      fileId: r.file_id,
      headHash: r.head_hash,
      tailHash: r.tail_hash,
    };
  }

  async startTask(kind: string, args: unknown): Promise<number> {
    const r = await this.db
      .insertInto('tasks')
      .values({ kind, status: 'running', started_at: now(), args: JSON.stringify(args ?? null) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return num(r.id);
  }

  async finishTask(
    id: number,
    status: TaskStatus,
    counts: unknown,
    error: string | null = null,
  ): Promise<void> {
    await this.db
      .updateTable('tasks')
      .set({ status, ended_at: now(), counts: JSON.stringify(counts ?? null), error })
      .where('id', '=', id)
      .execute();
  }

  async tasks(limit: number, kind?: string): Promise<TaskRow[]> {
    let q = this.db.selectFrom('tasks').selectAll().orderBy('id', 'desc').limit(limit);
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

  async interruptStaleTasks(olderThan: number): Promise<number> {
    const r = await this.db
      .updateTable('tasks')
      .set({ status: 'interrupted', ended_at: now(), error: 'the process ended before the task finished' })
      .where('status', '=', 'running')
      .where('started_at', '<', olderThan)
      .executeTakeFirst();
    return num(r.numUpdatedRows);
  }

  async dataFiles(filter: { dataset?: Dataset; partitions?: string[] } = {}): Promise<DataFileRow[]> {
    let q = this.db
      .selectFrom('data_files')
      .selectAll()
      .orderBy('dataset')
      .orderBy('partition')
      .orderBy('id');
    if (filter.dataset) q = q.where('dataset', '=', filter.dataset);
    if (filter.partitions) {
      if (filter.partitions.length === 0) return [];
      q = q.where('partition', 'in', filter.partitions);
    }
    return (await q.execute()).map(toDataFile);
  }

  async partitions(dataset?: Dataset): Promise<PartitionRow[]> {
    let q = this.db.selectFrom('partitions').selectAll().orderBy('dataset').orderBy('partition');
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

  async conversations(): Promise<ConversationRow[]> {
    const rows = await this.db.selectFrom('conversations').selectAll().orderBy('last_at', 'desc').execute();
    return rows.map((r) => ({
      platform: r.platform,
      conversationId: r.conversation_id,
      isGroup: num(r.is_group) === 1,
      firstAt: num(r.first_at),
      lastAt: num(r.last_at),
      messageCount: num(r.message_count),
    }));
  }

  async contacts(): Promise<ContactRow[]> {
    const rows = await this.db.selectFrom('contacts').selectAll().orderBy('contact_id').execute();
    return rows.map((r) => ({
      platform: r.platform,
      contactId: r.contact_id,
      accountId: r.account_id,
      contactType: r.contact_type,
      alias: r.alias,
      nickname: r.nickname,
      remark: r.remark,
      memberCount: numOrNull(r.member_count),
      deleted: num(r.deleted) === 1,
      observedAt: num(r.observed_at),
    }));
  }

  async revocations(platform?: string, messageIds?: readonly string[]): Promise<RevocationRow[]> {
    if (messageIds?.length === 0) return [];
    let q = this.db.selectFrom('revocations').selectAll();
    if (platform) q = q.where('platform', '=', platform);
    if (messageIds) q = q.where('message_id', 'in', [...messageIds]);
    return (await q.execute()).map((r) => ({
      platform: r.platform,
      messageId: r.message_id,
      revokeId: r.revoke_id,
      revokedAt: num(r.revoked_at),
    }));
  }

  async revocationCount(): Promise<number> {
    const r = await this.db
      .selectFrom('revocations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async setting(key: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('lake_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return r?.value ?? null;
  }

  tryWriterLease(): Promise<WriterLease | null> {
    return this.hooks.writerLease?.() ?? Promise.resolve({ shared: false, release: async () => {} });
  }

  async dataFilesVersion(dataset: Dataset): Promise<string> {
    const r = await this.db
      .selectFrom('data_files')
      .select((eb) => [eb.fn.max('id').as('newest'), eb.fn.countAll().as('n')])
      .where('dataset', '=', dataset)
      .executeTakeFirst();
    return `${numOrNull(r?.newest) ?? 0}:${num(r?.n ?? 0)}`;
  }

  async keyPartitions(dataset: Dataset, platform: string, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const chunk = this.traits.maxParams - 2;
    for (let i = 0; i < keys.length; i += chunk) {
      const rows = await this.db
        .selectFrom('record_keys')
        .select(['record_key', 'partition'])
        .where('dataset', '=', dataset)
        .where('platform', '=', platform)
        .where('record_key', 'in', keys.slice(i, i + chunk))
        .execute();
      for (const r of rows) out.set(r.record_key, r.partition);
    }
    return out;
  }

  async keyCount(dataset: Dataset): Promise<number> {
    const r = await this.db
      .selectFrom('record_keys')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('dataset', '=', dataset)
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async lineage(dataFileId: number): Promise<LineageRow[]> {
    const rows = await this.db
      .selectFrom('lineage')
      .selectAll()
      .where('data_file_id', '=', dataFileId)
      .orderBy('source_id')
      .orderBy('start_offset')
      .execute();
    return rows.map((r) => ({
      dataFileId: num(r.data_file_id),
      sourceId: num(r.source_id),
      startOffset: num(r.start_offset),
      endOffset: num(r.end_offset),
    }));
  }

  async schemaVersions(dataset?: Dataset): Promise<SchemaVersionRow[]> {
    let q = this.db.selectFrom('schema_versions').selectAll().orderBy('dataset').orderBy('version');
    if (dataset) q = q.where('dataset', '=', dataset);
    return (await q.execute()).map((r) => ({
      dataset: r.dataset as Dataset,
      version: num(r.version),
      fieldSet: r.field_set,
      columns: r.columns,
      firstSeenAt: num(r.first_seen_at),
    }));
  }

  async qualityMetrics(taskId: number): Promise<QualityMetricRow[]> {
    const rows = await this.db
      .selectFrom('quality_metrics')
      .selectAll()
      .where('task_id', '=', taskId)
      .execute();
    return rows.map((r) => ({
      taskId: num(r.task_id),
      dataset: r.dataset as Dataset,
      metric: r.metric,
      numerator: num(r.numerator),
      denominator: num(r.denominator),
      value: Number(r.value),
    }));
  }

  async quarantine(filter: {
    status?: QuarantineStatus;
    limit?: number;
    afterId?: number;
  }): Promise<QuarantineRow[]> {
    let q = this.db
      .selectFrom('quarantine')
      .selectAll()
      .orderBy('id')
      .limit(filter.limit ?? 100);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
    return (await q.execute()).map(toQuarantine);
  }

  async quarantineEntry(id: number): Promise<QuarantineRow | null> {
    const r = await this.db.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toQuarantine(r) : null;
  }

  async quarantineCounts(): Promise<Record<QuarantineStatus, number>> {
    const rows = await this.db
      .selectFrom('quarantine')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<QuarantineStatus, number> = { open: 0, retried: 0, resolved: 0, dismissed: 0 };
    for (const r of rows) out[r.status as QuarantineStatus] = num(r.n);
    return out;
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  // Lake integrity and quarantine paging (validate --repair, stats, quarantine list/dismiss).
  async hotPartitions(): Promise<{ dataset: Dataset; partition: string; rows: number }[]> {
    const rows = await this.db
      .selectFrom('hot_records')
      .select(['dataset', 'partition', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['dataset', 'partition'])
      .orderBy('dataset')
      .orderBy('partition')
      .execute();
    return rows.map((r) => ({ dataset: r.dataset as Dataset, partition: r.partition, rows: num(r.n) }));
  }

  async partitionKeys(dataset: Dataset, partition: string): Promise<{ platform: string; key: string }[]> {
    const rows = await this.db
      .selectFrom('record_keys')
      .select(['platform', 'record_key'])
      .where('dataset', '=', dataset)
      .where('partition', '=', partition)
      .execute();
    return rows.map((r) => ({ platform: r.platform, key: r.record_key }));
  }

  async quarantineCount(filter: { status?: QuarantineStatus; afterId?: number }): Promise<number> {
    let q = this.db.selectFrom('quarantine').select((eb) => eb.fn.countAll().as('n'));
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
    return num((await q.executeTakeFirst())?.n ?? 0);
  }

  async sourcesById(ids: readonly number[]): Promise<SourceRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: num(r.id), uri: r.uri, kind: r.kind, platform: r.platform }));
  }
}

class KyselyCatalogWriter extends KyselyServiceWriter implements CatalogWriter {
  async claimKeys(dataset: Dataset, platform: string, keys: readonly KeyClaim[]): Promise<Set<string>> {
    // Inserting in key order keeps the index's B-tree pages hot: ~2x faster than arrival order.
    const ordered = [...keys].sort((a, b) => compareKeys(a.key, b.key));
    const rows = await bulkInsert<{ record_key: string }>(
      this.db,
      this.traits,
      'record_keys',
      [
        ['record_key', 'text'],
        ['partition', 'text'],
      ],
      ordered.map((k) => [k.key, k.partition]),
      'on conflict do nothing returning record_key',
      [
        ['dataset', 'text', dataset],
        ['platform', 'text', platform],
      ],
    );
    return new Set(rows.map((r) => r.record_key));
  }

  async addDataFiles(files: readonly NewDataFile[], taskId: number | null): Promise<number[]> {
    const ids = new Map<string, number>();
    const createdAt = now();
    for (let i = 0; i < files.length; i += 500) {
      const rows = await this.db
        .insertInto('data_files')
        .values(
          files.slice(i, i + 500).map((f) => ({
            dataset: f.dataset,
            partition: f.partition,
            path: f.path,
            rows: f.rows,
            bytes: f.bytes,
            min_time: f.minTime,
            max_time: f.maxTime,
            schema_version: f.schemaVersion,
            task_id: taskId,
            created_at: createdAt,
          })),
        )
        .returning(['id', 'path'])
        .execute();
      for (const r of rows) ids.set(r.path, num(r.id));
    }
    await this.adjustPartitions(
      files.map((f) => ({ ...f, files: 1 })),
      true,
    );
    return files.map((f) => ids.get(f.path)!);
  }

  async removeDataFiles(ids: readonly number[]): Promise<DataFileRow[]> {
    if (ids.length === 0) return [];
    const rows = (await this.db.selectFrom('data_files').selectAll().where('id', 'in', ids).execute()).map(
      toDataFile,
    );
    await this.db.deleteFrom('data_files').where('id', 'in', ids).execute();
    await this.adjustPartitions(
      rows.map((f) => ({ ...f, rows: -f.rows, files: -1, bytes: -f.bytes })),
      false,
    );
    const touched = new Set(rows.map((f) => `${f.dataset}\u0000${f.partition}`));
    for (const key of touched) {
      const [dataset, partition] = key.split('\u0000') as [string, string];
      await this.recomputePartitionBounds(dataset, partition);
    }
    return rows;
  }

  async addLineage(rows: readonly LineageRow[]): Promise<void> {
    await bulkInsert(
      this.db,
      this.traits,
      'lineage',
      [
        ['data_file_id', 'integer'],
        ['source_id', 'integer'],
        ['start_offset', 'bigint'],
        ['end_offset', 'bigint'],
      ],
      rows.map((r) => [r.dataFileId, r.sourceId, r.startOffset, r.endOffset]),
    );
  }

  async moveLineage(fromFileIds: readonly number[], toFileId: number): Promise<void> {
    if (fromFileIds.length === 0) return;
    await this.db
      .updateTable('lineage')
      .set({ data_file_id: toFileId })
      .where('data_file_id', 'in', fromFileIds)
      .execute();
  }

  async saveSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('lake_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async saveCheckpoint(cp: Checkpoint): Promise<void> {
    const values = {
      offset: cp.offset,
      line: cp.line,
      file_size: cp.fileSize,
      file_id: cp.fileId,
      head_hash: cp.headHash,
      tail_hash: cp.tailHash,
      updated_at: now(),
    };
    await this.db
      .insertInto('checkpoints')
      .values({ source_id: cp.sourceId, ...values })
      .onConflict((oc) => oc.column('source_id').doUpdateSet(values))
      .execute();
  }

  async touchConversations(rows: readonly ConversationRow[]): Promise<void> {
    const { least, greatest } = this.traits;
    // Key order: concurrent writers then lock the rows they share in the same order (no deadlock).
    const ordered = [...rows].sort((a, b) =>
      compareKeys(`${a.platform}\u0000${a.conversationId}`, `${b.platform}\u0000${b.conversationId}`),
    );
    for (let i = 0; i < ordered.length; i += 500) {
      await this.db
        .insertInto('conversations')
        .values(
          ordered.slice(i, i + 500).map((r) => ({
            platform: r.platform,
            conversation_id: r.conversationId,
            is_group: r.isGroup ? 1 : 0,
            first_at: r.firstAt,
            last_at: r.lastAt,
            message_count: r.messageCount,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['platform', 'conversation_id']).doUpdateSet({
            // A conversation created empty (through the API) holds its creation time: its first message replaces it.
            first_at: sql`case when conversations.message_count = 0 then excluded.first_at else ${sql.raw(least)}(conversations.first_at, excluded.first_at) end`,
            last_at: sql`case when conversations.message_count = 0 then excluded.last_at else ${sql.raw(greatest)}(conversations.last_at, excluded.last_at) end`,
            message_count: sql`conversations.message_count + excluded.message_count`,
          }),
        )
        .execute();
    }
  }

  async upsertContacts(rows: readonly ContactRow[]): Promise<void> {
    const ordered = [...rows].sort((a, b) =>
      compareKeys(`${a.platform}\u0000${a.contactId}`, `${b.platform}\u0000${b.contactId}`),
    );
    for (const r of ordered) {
      const values = {
        account_id: r.accountId,
        contact_type: r.contactType,
        alias: r.alias,
        nickname: r.nickname,
        remark: r.remark,
        member_count: r.memberCount,
        deleted: r.deleted ? 1 : 0,
        observed_at: r.observedAt,
      };
      // A deletion carries no profile: it marks the contact deleted and keeps what was known.
      const update = r.deleted ? { deleted: 1, observed_at: r.observedAt } : values;
      await this.db
        .insertInto('contacts')
        .values({ platform: r.platform, contact_id: r.contactId, ...values })
        .onConflict((oc) =>
          oc
            .columns(['platform', 'contact_id'])
            .doUpdateSet(update)
            .where('contacts.observed_at', '<=', r.observedAt),
        )
        .execute();
    }
  }

  async addRevocations(rows: readonly RevocationRow[]): Promise<void> {
    await bulkInsert(
      this.db,
      this.traits,
      'revocations',
      [
        ['platform', 'text'],
        ['message_id', 'text'],
        ['revoke_id', 'text'],
        ['revoked_at', 'bigint'],
      ],
      rows.map((r) => [r.platform, r.messageId, r.revokeId, r.revokedAt]),
      'on conflict do nothing',
    );
  }

  async addQuarantine(rows: readonly NewQuarantine[], taskId: number | null): Promise<void> {
    const createdAt = now();
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
      this.db,
      this.traits,
      'quarantine',
      [
        ['source', 'text'],
        ['line', 'bigint'],
        ['byte_offset', 'bigint'],
        ['reason', 'text'],
        ['raw', this.traits.blobType],
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

  async setQuarantineStatus(ids: readonly number[], status: QuarantineStatus): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('quarantine')
      .set({ status, resolved_at: status === 'open' ? null : now() })
      .where('id', 'in', ids)
      .execute();
  }

  async schemaVersion(dataset: Dataset, fieldSet: string, columns: string): Promise<number> {
    // Concurrent writers (other processes on a server database) may take the next number first: the insert
    // then does nothing, and the next round sees their row (a new statement sees what they committed).
    for (;;) {
      const found = await this.db
        .selectFrom('schema_versions')
        .select('version')
        .where('dataset', '=', dataset)
        .where('field_set', '=', fieldSet)
        .executeTakeFirst();
      if (found) return num(found.version);
      const inserted = await this.db
        .insertInto('schema_versions')
        .columns(['dataset', 'version', 'field_set', 'columns', 'first_seen_at'])
        .expression((eb) =>
          eb
            .selectFrom('schema_versions')
            .select([
              eb.val(dataset).as('dataset'),
              sql<number>`coalesce(max(version), 0) + 1`.as('version'),
              eb.val(fieldSet).as('field_set'),
              eb.val(columns).as('columns'),
              sql<number>`cast(${now()} as bigint)`.as('first_seen_at'),
            ])
            .where('dataset', '=', dataset),
        )
        .onConflict((oc) => oc.doNothing())
        .returning('version')
        .executeTakeFirst();
      if (inserted) return num(inserted.version);
    }
  }

  async addQualityMetrics(rows: readonly NewQualityMetric[]): Promise<void> {
    const createdAt = now();
    await bulkInsert(
      this.db,
      this.traits,
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

  // Lake integrity and quarantine (validate --repair, quarantine dismiss).
  async releaseKeys(dataset: Dataset, platform: string, keys: readonly string[]): Promise<number> {
    let n = 0;
    const chunk = this.traits.maxParams - 2;
    const ordered = [...keys].sort(compareKeys);
    for (let i = 0; i < ordered.length; i += chunk) {
      const r = await this.db
        .deleteFrom('record_keys')
        .where('dataset', '=', dataset)
        .where('platform', '=', platform)
        .where('record_key', 'in', ordered.slice(i, i + chunk))
        .executeTakeFirst();
      n += num(r.numDeletedRows);
    }
    return n;
  }

  async removeLineage(dataFileIds: readonly number[]): Promise<void> {
    if (dataFileIds.length === 0) return;
    await this.db
      .deleteFrom('lineage')
      .where('data_file_id', 'in', [...dataFileIds])
      .execute();
  }

  async removeCheckpoints(sourceIds: readonly number[]): Promise<void> {
    if (sourceIds.length === 0) return;
    await this.db
      .deleteFrom('checkpoints')
      .where('source_id', 'in', [...sourceIds])
      .execute();
  }

  async setConversationStats(rows: readonly ConversationRow[]): Promise<void> {
    const ordered = [...rows].sort((a, b) =>
      compareKeys(`${a.platform}\u0000${a.conversationId}`, `${b.platform}\u0000${b.conversationId}`),
    );
    for (const r of ordered) {
      await this.db
        .updateTable('conversations')
        .set({ message_count: r.messageCount, first_at: r.firstAt, last_at: r.lastAt })
        .where('platform', '=', r.platform)
        .where('conversation_id', '=', r.conversationId)
        .execute();
    }
  }

  async dismissQuarantine(ids: readonly number[] | 'all', reason: string): Promise<number[]> {
    const at = now();
    const update = () =>
      this.db
        .updateTable('quarantine')
        .set({ status: 'dismissed', resolved_at: at, dismiss_reason: reason })
        .where('status', '=', 'open');
    if (ids === 'all') return (await update().returning('id').execute()).map((r) => num(r.id));
    const out: number[] = [];
    const chunk = this.traits.maxParams - 8;
    for (let i = 0; i < ids.length; i += chunk) {
      const rows = await update()
        .where('id', 'in', ids.slice(i, i + chunk))
        .returning('id')
        .execute();
      for (const r of rows) out.push(num(r.id));
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Adds per-file deltas to their partitions' totals in one upsert (bounds widened unless told to keep them).
   * Rows go in key order, as every writer's do, so concurrent writers lock partition rows in the same order.
   */
  private async adjustPartitions(deltas: readonly PartitionRow[], widenBounds: boolean): Promise<void> {
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
    const { least, greatest } = this.traits;
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
      await this.db
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

  private async recomputePartitionBounds(dataset: string, partition: string): Promise<void> {
    const agg = await this.db
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
      await this.db
        .deleteFrom('partitions')
        .where('dataset', '=', dataset)
        .where('partition', '=', partition)
        .execute();
      return;
    }
    await this.db
      .updateTable('partitions')
      .set({ min_time: num(agg.lo), max_time: num(agg.hi) })
      .where('dataset', '=', dataset)
      .where('partition', '=', partition)
      .execute();
  }
}

/** Code-unit order of keys. Writers touch shared rows in this order, so concurrent writers never deadlock. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toDataFile(r: Selectable<CatalogSchema['data_files']>): DataFileRow {
  return {
    id: num(r.id),
    dataset: r.dataset as Dataset,
    partition: r.partition,
    path: r.path,
    rows: num(r.rows),
    bytes: num(r.bytes),
    minTime: num(r.min_time),
    maxTime: num(r.max_time),
    schemaVersion: num(r.schema_version),
    createdAt: num(r.created_at),
  };
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
