import type { Dataset } from './lake-record.js';

/** A written Parquet file as the catalog records it: where it is and what it holds. */
export interface DataFile {
  dataset: Dataset;
  partition: string;
  /** Relative to the lake root, with forward slashes. */
  path: string;
  rows: number;
  bytes: number;
  minTime: number;
  maxTime: number;
}
