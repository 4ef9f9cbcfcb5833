import { ChatlakeError } from '../core/errors.js';
import type { LocalDay } from '../core/local-day.js';

/**
 * A --from/--to value as an instant range in the configured zone: "2026-01-23" (that day), "2026-01"
 * (that month), "2026" (that year), or a datetime "2026-01-23T10:00[:ss]" (local unless it names a zone:
 * "Z" or "+08:00"). `from` takes the start of the range it names, `to` its end (exclusive).
 */
export function timeBound(text: string, zone: LocalDay, side: 'from' | 'to'): number {
  const t = text.trim();
  let m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(t);
  if (m) {
    const [, y, mo, d] = m;
    const start = `${y}-${mo ?? '01'}-${d ?? '01'}`;
    assertDay(start, text);
    if (side === 'from') return zone.startOf(start);
    const next = new Date(`${start}T00:00:00Z`);
    if (d) next.setUTCDate(next.getUTCDate() + 1);
    else if (mo) next.setUTCMonth(next.getUTCMonth() + 1);
    else next.setUTCFullYear(next.getUTCFullYear() + 1);
    return zone.startOf(next.toISOString().slice(0, 10));
  }
  m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) {
    throw new ChatlakeError(
      'invalid_argument',
      `cannot read the time "${text}"`,
      'use 2026-01-23, 2026-01, 2026, or 2026-01-23T10:00 (local time; add Z or +08:00 for another zone)',
    );
  }
  const [, day, hh, mm, ss, ms, offset] = m;
  assertDay(day!, text);
  const [oh, om] = offset && offset !== 'Z' ? [offset.slice(1, 3), offset.slice(-2)] : ['00', '00'];
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59 || Number(oh) > 18 || Number(om) > 59) {
    throw new ChatlakeError(
      'invalid_argument',
      `"${text}" is not a time of day`,
      'hours go to 23, minutes and seconds to 59, zone offsets to ±18:00',
    );
  }
  const wall = Date.parse(`${day}T${hh}:${mm}:${ss ?? '00'}.${(ms ?? '0').padEnd(3, '0')}Z`);
  if (offset) return Date.parse(`${day}T${hh}:${mm}:${ss ?? '00'}.${(ms ?? '0').padEnd(3, '0')}${offset}`);
  const guess = wall - zone.offsetAt(wall);
  const instant = wall - zone.offsetAt(guess);
  // A datetime names an instant; "to" includes it.
  return side === 'to' ? instant + 1 : instant;
}

function assertDay(day: string, text: string): void {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) {
    throw new ChatlakeError(
      'invalid_argument',
      `"${text}" is not a calendar date`,
      'use YYYY-MM-DD, e.g. 2026-01-23',
    );
  }
  // The end of year 9999 is not a YYYY-MM-DD day.
  if (day < '1000' || day >= '9999') {
    throw new ChatlakeError('invalid_argument', `"${text}" is out of range`, 'use a year from 1000 to 9998');
  }
}
