import type { Writable } from 'node:stream';
import type { RowWriter } from './row-writer.js';
import { plainValue, sink } from './row-writer.js';

const line = (row: Record<string, unknown>) => JSON.stringify(row, (_k, v) => plainValue(v));

export function jsonlWriter(out: Writable): RowWriter {
  const put = sink(out);
  return {
    async write(rows) {
      if (rows.length) await put(`${rows.map(line).join('\n')}\n`);
    },
    async end() {},
  };
}

export function jsonWriter(out: Writable): RowWriter {
  const put = sink(out);
  let first = true;
  return {
    async write(rows) {
      if (rows.length === 0) return;
      await put(`${first ? '[\n' : ',\n'}${rows.map(line).join(',\n')}`);
      first = false;
    },
    async end() {
      await put(first ? '[]\n' : '\n]\n');
    },
  };
}
