import type { Writable } from 'node:stream';
import { displayWidth } from '../../core/display-width.js';
import type { LocalDay } from '../../core/local-day.js';
import type { RowWriter } from './row-writer.js';
import { sink } from './row-writer.js';

const MAX_WIDTH = 60;

/** Aligned columns for people: local readable times, one line per row, long text cut with an ellipsis. */
export function tableWriter(out: Writable, columns: readonly string[], zone: LocalDay): RowWriter {
  const put = sink(out);
  let widths: number[] | null = null;
  let count = 0;
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return localTime(v.getTime(), zone);
    return String(v).replace(/\s+/g, ' ');
  };
  const pad = (text: string, width: number) => {
    let out = '';
    let w = 0;
    for (const ch of text) {
      const cw = displayWidth(ch);
      if (w + cw > width - (displayWidth(text) > width ? 1 : 0))
        return `${out}…${' '.repeat(Math.max(0, width - w - 1))}`;
      out += ch;
      w += cw;
    }
    return out + ' '.repeat(width - w);
  };
  return {
    async write(rows) {
      const cells = rows.map((r) => columns.map((c) => cell(r[c])));
      if (!widths) {
        widths = columns.map((c, i) =>
          Math.min(MAX_WIDTH, Math.max(displayWidth(c), ...cells.map((r) => displayWidth(r[i]!)))),
        );
        await put(
          `${columns
            .map((c, i) => pad(c, widths![i]!))
            .join('  ')
            .trimEnd()}\n`,
        );
      }
      count += rows.length;
      if (cells.length)
        await put(
          cells
            .map(
              (r) =>
                `${r
                  .map((v, i) => pad(v, widths![i]!))
                  .join('  ')
                  .trimEnd()}\n`,
            )
            .join(''),
        );
    },
    async end() {
      await put(`(${count} row${count === 1 ? '' : 's'})\n`);
    },
  };
}

function localTime(ms: number, zone: LocalDay): string {
  return new Date(ms + zone.offsetAt(ms)).toISOString().replace('T', ' ').slice(0, 19);
}
