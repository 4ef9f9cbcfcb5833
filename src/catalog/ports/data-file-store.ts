import type { Dataset } from '../../core/lake-record.js';
import type { DataFileFilter, DataFileRow, LineageRow, NewDataFile, PartitionRow } from '../catalog.js';

/** The registered Parquet files, their partitions' totals and their lineage. */
export interface DataFileStore {
  dataFiles(filter?: DataFileFilter): Promise<DataFileRow[]>;
  /** Changes whenever a file of the dataset is registered or removed (newest id and count). */
  dataFilesVersion(dataset: Dataset): Promise<string>;
  partitions(dataset?: Dataset): Promise<PartitionRow[]>;
  /** Which source byte ranges a data file was made from. */
  lineage(dataFileId: number): Promise<LineageRow[]>;
}

export interface DataFileWriter {
  /** Registers files (making them visible) and adds them to their partitions; returns their ids in order. */
  addDataFiles(files: readonly NewDataFile[], taskId: number | null): Promise<number[]>;
  /** Unregisters files (compaction, repair); returns their rows so the caller can delete them after commit. */
  removeDataFiles(ids: readonly number[]): Promise<DataFileRow[]>;
  addLineage(rows: readonly LineageRow[]): Promise<void>;
  moveLineage(fromFileIds: readonly number[], toFileId: number): Promise<void>;
  removeLineage(dataFileIds: readonly number[]): Promise<void>;
}
