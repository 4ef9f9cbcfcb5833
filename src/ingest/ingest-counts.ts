import type { Dataset } from '../core/lake-record.js';
import type { BatchOutcome } from './commit-batch.js';

/** The counts a run reports (`--json` prints them), summed over sources and batches. */
export interface IngestCounts {
  sources: number;
  linesRead: number;
  blankLines: number;
  bytesRead: number;
  messages: number;
  contacts: number;
  events: number;
  duplicates: number;
  quarantined: number;
  files: number;
  /** Records decoded (stored + duplicates), the denominator of the duplicate rate. */
  records: number;
  nulls: Record<string, number>;
  /** Sources read from their start whose every line (blank lines aside) was quarantined: probably not logs. */
  allQuarantined: string[];
}

export function zeroCounts(): IngestCounts {
  return {
    sources: 0,
    linesRead: 0,
    blankLines: 0,
    bytesRead: 0,
    messages: 0,
    contacts: 0,
    events: 0,
    duplicates: 0,
    quarantined: 0,
    files: 0,
    records: 0,
    nulls: {},
    allQuarantined: [],
  };
}

export function addOutcome(counts: IngestCounts, o: BatchOutcome): void {
  const datasets: Dataset[] = ['messages', 'contacts', 'events'];
  for (const d of datasets) counts[d] += o.stored[d];
  counts.duplicates += o.duplicates;
  counts.quarantined += o.quarantined;
  counts.files += o.files;
  counts.records += o.stored.messages + o.stored.contacts + o.stored.events + o.duplicates;
}
