import { type Kysely, sql } from 'kysely';
import type { Dataset } from '../core/lake-record.js';
import type {
  Catalog,
  CatalogWriter,
  Checkpoint,
  ContactRow,
  ConversationRow,
  DataFileFilter,
  DataFileRow,
  LineageRow,
  MigrationReport,
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
import { KyselyCatalogWriter } from './kysely-catalog-writer.js';
import { KyselyServiceReader } from './kysely-service-catalog.js';
import { migrateCatalog } from './migrate-catalog.js';
import type { CatalogSchema } from './schema.js';
import * as contacts from './sql/contacts.js';
import * as conversations from './sql/conversations.js';
import * as files from './sql/data-files.js';
import * as hot from './sql/hot-records.js';
import * as settings from './sql/lake-settings.js';
import * as lineage from './sql/lineage.js';
import * as partitions from './sql/partitions.js';
import * as metrics from './sql/quality-metrics.js';
import * as quarantine from './sql/quarantine.js';
import * as keys from './sql/record-keys.js';
import * as revocations from './sql/revocations.js';
import * as schemas from './sql/schema-versions.js';
import * as sources from './sql/sources-tasks.js';

/**
 * The catalog over any Kysely dialect; a backend folder supplies the connection and its traits. A thin
 * composition: the SQL lives in `sql/`, one module per table group; this class adds transactions and the lease.
 */
export class KyselyCatalog extends KyselyServiceReader implements Catalog {
  constructor(
    db: Kysely<CatalogSchema>,
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

  tryWriterLease(): Promise<WriterLease | null> {
    return this.hooks.writerLease?.() ?? Promise.resolve({ shared: false, release: async () => {} });
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  source(uri: string, kind: string, platform: string): Promise<SourceRow> {
    return sources.source(this, uri, kind, platform);
  }
  checkpoint(sourceId: number): Promise<Checkpoint | null> {
    return sources.checkpoint(this, sourceId);
  }
  startTask(kind: string, args: unknown): Promise<number> {
    return sources.startTask(this, kind, args);
  }
  finishTask(id: number, status: TaskStatus, counts: unknown, error: string | null = null): Promise<void> {
    return sources.finishTask(this, id, status, counts, error);
  }
  tasks(limit: number, kind?: string): Promise<TaskRow[]> {
    return sources.tasks(this, limit, kind);
  }
  interruptStaleTasks(olderThan: number): Promise<number> {
    return sources.interruptStaleTasks(this, olderThan);
  }
  sourcesById(ids: readonly number[]): Promise<SourceRow[]> {
    return sources.sourcesById(this, ids);
  }
  dataFiles(filter: DataFileFilter = {}): Promise<DataFileRow[]> {
    return files.dataFiles(this, filter);
  }
  dataFilesVersion(dataset: Dataset): Promise<string> {
    return files.dataFilesVersion(this, dataset);
  }
  partitions(dataset?: Dataset): Promise<PartitionRow[]> {
    return partitions.partitions(this, dataset);
  }
  lineage(dataFileId: number): Promise<LineageRow[]> {
    return lineage.lineage(this, dataFileId);
  }
  conversations(): Promise<ConversationRow[]> {
    return conversations.conversations(this);
  }
  contacts(): Promise<ContactRow[]> {
    return contacts.contacts(this);
  }
  revocations(platform?: string, messageIds?: readonly string[]): Promise<RevocationRow[]> {
    return revocations.revocations(this, platform, messageIds);
  }
  revocationCount(): Promise<number> {
    return revocations.revocationCount(this);
  }
  setting(key: string): Promise<string | null> {
    return settings.setting(this, key);
  }
  keyPartitions(dataset: Dataset, platform: string, recordKeys: string[]): Promise<Map<string, string>> {
    return keys.keyPartitions(this, dataset, platform, recordKeys);
  }
  keyCount(dataset: Dataset): Promise<number> {
    return keys.keyCount(this, dataset);
  }
  partitionKeys(dataset: Dataset, partition: string): Promise<{ platform: string; key: string }[]> {
    return keys.partitionKeys(this, dataset, partition);
  }
  schemaVersions(dataset?: Dataset): Promise<SchemaVersionRow[]> {
    return schemas.schemaVersions(this, dataset);
  }
  qualityMetrics(taskId: number): Promise<QualityMetricRow[]> {
    return metrics.qualityMetrics(this, taskId);
  }
  quarantine(filter: {
    status?: QuarantineStatus;
    limit?: number;
    afterId?: number;
  }): Promise<QuarantineRow[]> {
    return quarantine.quarantine(this, filter);
  }
  quarantineEntry(id: number): Promise<QuarantineRow | null> {
    return quarantine.quarantineEntry(this, id);
  }
  quarantineCounts(): Promise<Record<QuarantineStatus, number>> {
    return quarantine.quarantineCounts(this);
  }
  quarantineCount(filter: { status?: QuarantineStatus; afterId?: number }): Promise<number> {
    return quarantine.quarantineCount(this, filter);
  }
  hotPartitions(): Promise<{ dataset: Dataset; partition: string; rows: number }[]> {
    return hot.hotPartitions(this);
  }
}
