import type { Conversation } from '../core/conversation.js';
import type { DataFile } from '../core/data-file.js';
import type { Dataset } from '../core/lake-record.js';
import type { ServiceCatalog, ServiceWriter } from './service-catalog.js';

/** The catalog port: everything chatlake keeps besides the Parquet files. One interface, one backend per folder. */
export interface Catalog extends ServiceCatalog {
  readonly backend: string;
  /** Brings the schema to the newest version (opening does this unless told not to). */
  migrate(): Promise<MigrationReport>;
  /**
   * Runs fn in one transaction: everything it writes commits together or not at all. Resolves once the
   * commit is durable; `committed` (optional) is called as soon as COMMIT returned, which may be earlier.
   */
  write<T>(fn: (tx: CatalogWriter) => Promise<T>, committed?: () => void): Promise<T>;

  source(uri: string, kind: string, platform: string): Promise<SourceRow>;
  checkpoint(sourceId: number): Promise<Checkpoint | null>;

  startTask(kind: string, args: unknown): Promise<number>;
  finishTask(id: number, status: TaskStatus, counts: unknown, error?: string | null): Promise<void>;
  tasks(limit: number, kind?: string): Promise<TaskRow[]>;
  /** Marks tasks still "running" whose process is gone (a crash) as interrupted. */
  interruptStaleTasks(olderThan: number): Promise<number>;

  dataFiles(filter?: DataFileFilter): Promise<DataFileRow[]>;
  partitions(dataset?: Dataset): Promise<PartitionRow[]>;
  conversations(): Promise<ConversationRow[]>;
  contacts(): Promise<ContactRow[]>;
  /** Every revocation, or those of one platform, or of the messages with these ids on it. */
  revocations(platform?: string, messageIds?: readonly string[]): Promise<RevocationRow[]>;
  /** How many revocations there are (they are only ever added: a cheap change signal). */
  revocationCount(): Promise<number>;
  /** A lake setting (such as `timeZone`), or null when none was saved. */
  setting(key: string): Promise<string | null>;
  /**
   * The catalog-wide right to write lake files, for writers on several machines sharing one catalog
   * (PostgreSQL: a session advisory lock on its own connection, freed by the server when the holder's
   * connection ends, so a dead holder never keeps it). Null while another process holds it. SQLite lives on
   * one machine, where the data directory's writer lock suffices: its lease is always granted.
   */
  tryWriterLease(): Promise<WriterLease | null>;
  /** Changes whenever a file of the dataset is registered or removed (newest id and count). */
  dataFilesVersion(dataset: Dataset): Promise<string>;
  keyPartitions(dataset: Dataset, platform: string, keys: string[]): Promise<Map<string, string>>;
  /** How many identities a dataset has recorded (all platforms). */
  keyCount(dataset: Dataset): Promise<number>;
  schemaVersions(dataset?: Dataset): Promise<SchemaVersionRow[]>;
  /** Which source byte ranges a data file was made from. */
  lineage(dataFileId: number): Promise<LineageRow[]>;
  qualityMetrics(taskId: number): Promise<QualityMetricRow[]>;

  quarantine(filter: {
    status?: QuarantineStatus;
    limit?: number;
    afterId?: number;
  }): Promise<QuarantineRow[]>;
  quarantineEntry(id: number): Promise<QuarantineRow | null>;
  quarantineCounts(): Promise<Record<QuarantineStatus, number>>;

  close(): Promise<void>;

  // Lake integrity and quarantine paging (validate --repair, stats, quarantine list/dismiss).
  /** Hot rows per dataset and partition (what the hot tier holds that no file does yet). */
  hotPartitions(): Promise<{ dataset: Dataset; partition: string; rows: number }[]>;
  /** The identities recorded in one partition of a dataset, every platform (a day's keys: repair only). */
  partitionKeys(dataset: Dataset, partition: string): Promise<{ platform: string; key: string }[]>;
  /** How many quarantine entries match (of a status; after an id: what a page leaves). */
  quarantineCount(filter: { status?: QuarantineStatus; afterId?: number }): Promise<number>;
  /** Sources by id (the ones a file's lineage names). */
  sourcesById(ids: readonly number[]): Promise<SourceRow[]>;
}

/** What one transaction may do. Batch methods take many rows and return per-row outcomes where they matter. */
export interface CatalogWriter extends ServiceWriter {
  /** Records the keys; returns the ones that were new (the rest are stored already: duplicates). */
  claimKeys(dataset: Dataset, platform: string, keys: readonly KeyClaim[]): Promise<Set<string>>;
  /** Registers files (making them visible) and adds them to their partitions; returns their ids in order. */
  addDataFiles(files: readonly NewDataFile[], taskId: number | null): Promise<number[]>;
  /** Unregisters files (compaction, repair); returns their rows so the caller can delete them after commit. */
  removeDataFiles(ids: readonly number[]): Promise<DataFileRow[]>;
  addLineage(rows: readonly LineageRow[]): Promise<void>;
  moveLineage(fromFileIds: readonly number[], toFileId: number): Promise<void>;
  saveCheckpoint(cp: Checkpoint): Promise<void>;
  saveSetting(key: string, value: string): Promise<void>;
  touchConversations(rows: readonly ConversationRow[]): Promise<void>;
  upsertContacts(rows: readonly ContactRow[]): Promise<void>;
  addRevocations(rows: readonly RevocationRow[]): Promise<void>;
  addQuarantine(rows: readonly NewQuarantine[], taskId: number | null): Promise<void>;
  setQuarantineStatus(ids: readonly number[], status: QuarantineStatus): Promise<void>;
  /** The version of this field set, recording a new version if it was never seen. */
  schemaVersion(dataset: Dataset, fieldSet: string, columns: string): Promise<number>;
  addQualityMetrics(rows: readonly NewQualityMetric[]): Promise<void>;

  // Lake integrity and quarantine (validate --repair, quarantine dismiss).
  /** Forgets identities (their rows are lost): a later ingest stores them again. Returns how many went. */
  releaseKeys(dataset: Dataset, platform: string, keys: readonly string[]): Promise<number>;
  removeLineage(dataFileIds: readonly number[]): Promise<void>;
  /** Drops the checkpoints of these sources: their next ingest reads them from the start. */
  removeCheckpoints(sourceIds: readonly number[]): Promise<void>;
  /** Sets conversations' coverage (count, first/last) to these values, where the row exists. */
  setConversationStats(rows: readonly ConversationRow[]): Promise<void>;
  /** Closes open entries as dismissed with the reason; returns the ids that were open. */
  dismissQuarantine(ids: readonly number[] | 'all', reason: string): Promise<number[]>;
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
export interface Checkpoint {
  sourceId: number;
  offset: number;
  line: number;
  fileSize: number;
  fileId: string | null;
  headHash: string | null;
  tailHash: string | null;
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
