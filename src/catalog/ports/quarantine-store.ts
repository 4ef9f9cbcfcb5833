import type { NewQuarantine, QuarantineRow, QuarantineStatus } from '../catalog.js';

/** Input that could not be stored, kept with its bytes until retried, resolved or dismissed. */
export interface QuarantineStore {
  quarantine(filter: {
    status?: QuarantineStatus;
    limit?: number;
    afterId?: number;
  }): Promise<QuarantineRow[]>;
  quarantineEntry(id: number): Promise<QuarantineRow | null>;
  quarantineCounts(): Promise<Record<QuarantineStatus, number>>;
  /** How many quarantine entries match (of a status; after an id: what a page leaves). */
  quarantineCount(filter: { status?: QuarantineStatus; afterId?: number }): Promise<number>;
}

export interface QuarantineWriter {
  addQuarantine(rows: readonly NewQuarantine[], taskId: number | null): Promise<void>;
  setQuarantineStatus(ids: readonly number[], status: QuarantineStatus): Promise<void>;
  /** Closes open entries as dismissed with the reason; returns the ids that were open. */
  dismissQuarantine(ids: readonly number[] | 'all', reason: string): Promise<number[]>;
}
