import { displayWidth } from '../core/display-width.js';

/** Output helpers shared by commands: one JSON document, or aligned text for people. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: readonly (readonly (string | number)[])[], header: readonly string[]): void {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i] ?? ''))));
  for (const row of all) {
    const cells = row.map((cell, i) => {
      const pad = ' '.repeat(widths[i]! - displayWidth(cell));
      return typeof rows[0]?.[i] === 'number' ? pad + cell : cell + pad;
    });
    process.stdout.write(`${cells.join('  ').trimEnd()}\n`);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
