import type { Dataset } from '../core/lake-record.js';
import type {
  CatalogWriter,
  Checkpoint,
  ContactRow,
  ConversationRow,
  DataFileRow,
  KeyClaim,
  LineageRow,
  NewDataFile,
  NewQualityMetric,
  NewQuarantine,
  QuarantineStatus,
  RevocationRow,
} from './catalog.js';
import { KyselyServiceWriter } from './kysely-service-catalog.js';
import * as contacts from './sql/contacts.js';
import * as conversations from './sql/conversations.js';
import * as files from './sql/data-files.js';
import * as settings from './sql/lake-settings.js';
import * as lineage from './sql/lineage.js';
import * as metrics from './sql/quality-metrics.js';
import * as quarantine from './sql/quarantine.js';
import * as keys from './sql/record-keys.js';
import * as revocations from './sql/revocations.js';
import * as schemas from './sql/schema-versions.js';
import * as sources from './sql/sources-tasks.js';

/** What one catalog transaction may do: each method runs one of `sql/`'s functions on the transaction. */
export class KyselyCatalogWriter extends KyselyServiceWriter implements CatalogWriter {
  claimKeys(dataset: Dataset, platform: string, claims: readonly KeyClaim[]): Promise<Set<string>> {
    return keys.claimKeys(this, dataset, platform, claims);
  }
  addDataFiles(rows: readonly NewDataFile[], taskId: number | null): Promise<number[]> {
    return files.addDataFiles(this, rows, taskId);
  }
  removeDataFiles(ids: readonly number[]): Promise<DataFileRow[]> {
    return files.removeDataFiles(this, ids);
  }
  addLineage(rows: readonly LineageRow[]): Promise<void> {
    return lineage.addLineage(this, rows);
  }
  moveLineage(fromFileIds: readonly number[], toFileId: number): Promise<void> {
    return lineage.moveLineage(this, fromFileIds, toFileId);
  }
  saveCheckpoint(cp: Checkpoint): Promise<void> {
    return sources.saveCheckpoint(this, cp);
  }
  saveSetting(key: string, value: string): Promise<void> {
    return settings.saveSetting(this, key, value);
  }
  touchConversations(rows: readonly ConversationRow[]): Promise<void> {
    return conversations.touchConversations(this, rows);
  }
  upsertContacts(rows: readonly ContactRow[]): Promise<void> {
    return contacts.upsertContacts(this, rows);
  }
  addRevocations(rows: readonly RevocationRow[]): Promise<void> {
    return revocations.addRevocations(this, rows);
  }
  addQuarantine(rows: readonly NewQuarantine[], taskId: number | null): Promise<void> {
    return quarantine.addQuarantine(this, rows, taskId);
  }
  setQuarantineStatus(ids: readonly number[], status: QuarantineStatus): Promise<void> {
    return quarantine.setQuarantineStatus(this, ids, status);
  }
  schemaVersion(dataset: Dataset, fieldSet: string, columns: string): Promise<number> {
    return schemas.schemaVersion(this, dataset, fieldSet, columns);
  }
  addQualityMetrics(rows: readonly NewQualityMetric[]): Promise<void> {
    return metrics.addQualityMetrics(this, rows);
  }
  releaseKeys(dataset: Dataset, platform: string, released: readonly string[]): Promise<number> {
    return keys.releaseKeys(this, dataset, platform, released);
  }
  removeLineage(dataFileIds: readonly number[]): Promise<void> {
    return lineage.removeLineage(this, dataFileIds);
  }
  removeCheckpoints(sourceIds: readonly number[]): Promise<void> {
    return sources.removeCheckpoints(this, sourceIds);
  }
  setConversationStats(rows: readonly ConversationRow[]): Promise<void> {
    return conversations.setConversationStats(this, rows);
  }
  dismissQuarantine(ids: readonly number[] | 'all', reason: string): Promise<number[]> {
    return quarantine.dismissQuarantine(this, ids, reason);
  }
}
