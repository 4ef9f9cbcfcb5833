import type { Conversation } from '../core/conversation.js';
import type { DataFile } from '../core/data-file.js';
import type { Dataset } from '../core/lake-record.js';
import type { ChatMetadataStore, ChatMetadataWriter } from './ports/chat-metadata-store.js';
import type { DataFileStore, DataFileWriter } from './ports/data-file-store.js';
import type { KeyStore, KeyWriter } from './ports/key-store.js';
import type { QuarantineStore, QuarantineWriter } from './ports/quarantine-store.js';
import type { SchemaVersionStore, SchemaVersionWriter } from './ports/schema-version-store.js';
import type { SourceTaskStore, SourceTaskWriter } from './ports/source-task-store.js';
import type { ServiceCatalog, ServiceWriter } from './service-catalog.js';

/**
 * The catalog port: everything chatlake keeps besides the Parquet files. One interface, one backend per folder;
 * it is the sum of one narrow port per table group (`ports/`), which a consumer may depend on alone.
 */
export interface Catalog
  extends ServiceCatalog,
    KeyStore,
    DataFileStore,
    SourceTaskStore,
    QuarantineStore,
    SchemaVersionStore,
    ChatMetadataStore {
  readonly backend: string;
  /** Brings the schema to the newest version (opening does this unless told not to). */
  migrate(): Promise<MigrationReport>;
  /**
   * Runs fn in one transaction: everything it writes commits together or not at all. Resolves once the
   * commit is durable; `committed` (optional) is called as soon as COMMIT returned, which may be earlier.
   */
  write<T>(fn: (tx: CatalogWriter) => Promise<T>, committed?: () => void): Promise<T>;

  /** A lake setting (such as `timeZone`), or null when none was saved. */
  setting(key: string): Promise<string | null>;
  /**
   * The catalog-wide right to write lake files, for writers on several machines sharing one catalog
   * (PostgreSQL: a session advisory lock on its own connection, freed by the server when the holder's
   * connection ends, so a dead holder never keeps it). Null while another process holds it. SQLite lives on
   * one machine, where the data directory's writer lock suffices: its lease is always granted.
   */
  tryWriterLease(): Promise<WriterLease | null>;
  /** Hot rows per dataset and partition (what the hot tier holds that no file does yet). */
  hotPartitions(): Promise<{ dataset: Dataset; partition: string; rows: number }[]>;

  close(): Promise<void>;
}

/** What one transaction may do. Batch methods take many rows and return per-row outcomes where they matter. */
export interface CatalogWriter
  extends ServiceWriter,
    KeyWriter,
    DataFileWriter,
    SourceTaskWriter,
    QuarantineWriter,
    SchemaVersionWriter,
    ChatMetadataWriter {
  saveSetting(key: string, value: string): Promise<void>;
}

export interface MigrationReport {
  /** The migrations this call applied, in order. */
  ran: string[];
  /** Every migration the database has now. */
  applied: string[];
}

export interface DataFileFilter {
  dataset?: Dataset;
  partitions?: string[];
  /** Inclusive partition range ("YYYY-MM-DD"). */
  fromPartition?: string;
  toPartition?: string;
}

export type TaskStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type QuarantineStatus = 'open' | 'retried' | 'resolved' | 'dismissed';

export interface SourceRow {
  id: number;
  uri: string;
  kind: string;
  platform: string;
}
/** Where reading a source goes on: a cursor only the source's cursor kind reads (platforms/source-cursor.ts). */
export interface Checkpoint {
  sourceId: number;
  cursor: string;
}
export interface KeyClaim {
  key: string;
  partition: string;
}
export interface NewDataFile extends DataFile {
  schemaVersion: number;
}
export interface DataFileRow extends NewDataFile {
  id: number;
  createdAt: number;
}
export interface PartitionRow {
  dataset: Dataset;
  partition: string;
  rows: number;
  files: number;
  bytes: number;
  minTime: number;
  maxTime: number;
}
export interface LineageRow {
  dataFileId: number;
  sourceId: number;
  startOffset: number;
  endOffset: number;
}
export type ConversationRow = Conversation;
export interface ContactRow {
  platform: string;
  contactId: string;
  accountId: string | null;
  contactType: string;
  alias: string | null;
  nickname: string | null;
  remark: string | null;
  memberCount: number | null;
  deleted: boolean;
  observedAt: number;
}
export interface RevocationRow {
  platform: string;
  messageId: string;
  revokeId: string;
  revokedAt: number;
}
export interface NewQuarantine {
  source: string;
  line: number | null;
  byteOffset: number | null;
  reason: string;
  raw: Uint8Array;
}
export interface QuarantineRow extends NewQuarantine {
  id: number;
  status: QuarantineStatus;
  taskId: number | null;
  createdAt: number;
  resolvedAt: number | null;
  /** sha256 (hex) of the raw bytes: the entry's identity (the same bytes again are the same entry). */
  contentHash: string;
  /** How many times these bytes were quarantined; `lastSeenAt` the latest. */
  seen: number;
  lastSeenAt: number;
  /** Why it was dismissed (status `dismissed`). */
  dismissReason: string | null;
}
export interface TaskRow {
  id: number;
  kind: string;
  status: TaskStatus;
  startedAt: number;
  endedAt: number | null;
  args: unknown;
  counts: unknown;
  error: string | null;
}
export interface SchemaVersionRow {
  dataset: Dataset;
  version: number;
  fieldSet: string;
  columns: string;
  firstSeenAt: number;
}
export interface NewQualityMetric {
  taskId: number;
  dataset: Dataset;
  metric: string;
  numerator: number;
  denominator: number;
}
export interface QualityMetricRow extends NewQualityMetric {
  value: number;
}

export interface WriterLease {
  /** True where the lease is held across machines (other machines' writers are then known to be idle). */
  readonly shared: boolean;
  release(): Promise<void>;
}
