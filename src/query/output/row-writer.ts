import type { Writable } from 'node:stream';
import type { LocalDay } from '../../core/local-day.js';
import type { QueryRow } from '../message-query.js';
import { csvWriter } from './csv-writer.js';
import { jsonlWriter, jsonWriter } from './json-writers.js';
import { tableWriter } from './table-writer.js';

/** Streams rows into one output format; `write` respects backpressure. */
export interface RowWriter {
  write(rows: readonly QueryRow[]): Promise<void>;
  end(): Promise<void>;
}

export const TEXT_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export function rowWriter(
  format: TextFormat,
  out: Writable,
  columns: readonly string[],
  zone: LocalDay,
): RowWriter {
  switch (format) {
    case 'table':
      return tableWriter(out, columns, zone);
    case 'csv':
      return csvWriter(out, columns);
    case 'json':
      return jsonWriter(out);
    case 'jsonl':
      return jsonlWriter(out);
  }
}

/** Writes text, waiting when the stream's buffer is full (so memory stays constant on any result size). */
export function sink(out: Writable): (text: string) => Promise<void> {
  return (text) =>
    out.write(text)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          out.once('drain', resolve);
          out.once('error', reject);
        });
}

/**
 * A value as JSON/CSV want it: instants as ISO-8601 UTC, 64-bit integers (counts, sums) as numbers, or as
 * strings beyond 2^53 where a JSON number would lose digits.
 */
export function plainValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}
