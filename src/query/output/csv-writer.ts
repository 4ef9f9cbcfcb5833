import type { Writable } from 'node:stream';
import type { RowWriter } from './row-writer.js';
import { plainValue, sink } from './row-writer.js';

/** RFC 4180 CSV with a header row; null is an empty field. */
export function csvWriter(out: Writable, columns: readonly string[]): RowWriter {
  const put = sink(out);
  let headerDone = false;
  const field = (v: unknown): string => {
    const p = plainValue(v);
    if (p === null || p === undefined) return '';
    const s = typeof p === 'object' ? JSON.stringify(p) : String(p);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const header = async () => {
    if (!headerDone) await put(`${columns.map(field).join(',')}\r\n`);
    headerDone = true;
  };
  return {
    async write(rows) {
      await header();
      if (rows.length)
        await put(rows.map((r) => `${columns.map((c) => field(r[c])).join(',')}\r\n`).join(''));
    },
    end: header,
  };
}
