import type { Dataset } from '../../core/lake-record.js';
import type { KeyClaim } from '../catalog.js';

/** The identity index (`record_keys`): which keys a dataset holds, and in which partition. */
export interface KeyStore {
  keyPartitions(dataset: Dataset, platform: string, keys: string[]): Promise<Map<string, string>>;
  /** How many identities a dataset has recorded (all platforms). */
  keyCount(dataset: Dataset): Promise<number>;
  /** The identities recorded in one partition of a dataset, every platform (a day's keys: repair only). */
  partitionKeys(dataset: Dataset, partition: string): Promise<{ platform: string; key: string }[]>;
}

export interface KeyWriter {
  /** Records the keys; returns the ones that were new (the rest are stored already: duplicates). */
  claimKeys(dataset: Dataset, platform: string, keys: readonly KeyClaim[]): Promise<Set<string>>;
  /** Forgets identities (their rows are lost): a later ingest stores them again. Returns how many went. */
  releaseKeys(dataset: Dataset, platform: string, keys: readonly string[]): Promise<number>;
}
