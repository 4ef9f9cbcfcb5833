import { randomBytes } from 'node:crypto';
import type { Dataset } from '../core/lake-record.js';

/** `messages/year=2026/month=01/day=23`: Hive-style, zero-padded, relative to the lake root. */
export function partitionDir(dataset: Dataset, day: string): string {
  const [year, month, dayOfMonth] = day.split('-');
  return `${dataset}/year=${year}/month=${month}/day=${dayOfMonth}`;
}

/** A new, never-reused data file name: time-ordered, with randomness so concurrent writers never collide. */
export function newPartFileName(): string {
  return `part-${Date.now().toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}.parquet`;
}

export const TEMP_PREFIX = '.tmp-';
