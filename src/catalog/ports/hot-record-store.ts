import type { HotFilter, HotRecordRow, HotSummary, NewHotRecord } from '../service-catalog.js';

/** The hot tier: accepted rows kept in the catalog until compaction writes them to a file. */
export interface HotRecordStore {
  /** Hot records in acceptance order (compaction), or filtered by conversation/time/keys (reads). */
  hotRecords(filter: HotFilter): Promise<HotRecordRow[]>;
  /** Totals of the hot records matching the filter's conversation/time/keys (all of them without one). */
  hotSummary(filter?: HotFilter): Promise<HotSummary>;
}

export interface HotRecordWriter {
  addHotRecords(rows: readonly NewHotRecord[]): Promise<void>;
  /** Removes hot records (their rows are now in a registered file); returns how many were still there. */
  removeHotRecords(ids: readonly number[]): Promise<number>;
}
