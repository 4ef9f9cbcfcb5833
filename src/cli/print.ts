import { displayWidth } from '../core/display-width.js';

/**
 * Output helpers shared by commands: one JSON document, or aligned text for people. Times are ISO 8601
 * strings in every --json output, as in the API: a number under a key ending in "At" (createdAt, startedAt,
 * revokedAt, …) is epoch ms and prints as "2026-01-23T10:00:00.000Z".
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, isoTimes, 2)}\n`);
}

function isoTimes(key: string, value: unknown): unknown {
  return key.endsWith('At') && typeof value === 'number' && Math.abs(value) <= 8.64e15
    ? new Date(value).toISOString()
    : value;
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
