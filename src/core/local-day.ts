/**
 * The local calendar day of an instant in a time zone, as "YYYY-MM-DD".
 * Offsets are looked up once per zone and UTC hour (every real zone changes offset on a quarter hour),
 * so the hot path is a Map hit and some arithmetic.
 */
const DAY = 86_400_000;
const QUARTER = 900_000;

export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone });
}

export class LocalDay {
  private readonly offsets = new Map<number, number>();
  private readonly days = new Map<number, string>();
  private readonly format: Intl.DateTimeFormat | null;

  constructor(readonly timeZone: string) {
    this.format =
      timeZone === 'UTC'
        ? null
        : new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
          });
  }

  /** Offset of local time from UTC at this instant, in ms. */
  offsetAt(epochMs: number): number {
    if (!this.format) return 0;
    const quarter = Math.floor(epochMs / QUARTER);
    let offset = this.offsets.get(quarter);
    if (offset === undefined) {
      offset = this.computeOffset(quarter * QUARTER);
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(quarter, offset);
    }
    return offset;
  }

  dayOf(epochMs: number): string {
    const dayNumber = Math.floor((epochMs + this.offsetAt(epochMs)) / DAY);
    let day = this.days.get(dayNumber);
    if (day === undefined) {
      day = isoDay(dayNumber * DAY);
      this.days.set(dayNumber, day);
    }
    return day;
  }

  /** The UTC instant at which a local day ("YYYY-MM-DD") starts. */
  startOf(day: string): number {
    const naive = Date.parse(`${day}T00:00:00Z`);
    let guess = naive - this.offsetAt(naive);
    guess = naive - this.offsetAt(guess);
    return guess;
  }

  private computeOffset(at: number): number {
    const parts = this.format!.formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
    return local - Math.floor(at / 60_000) * 60_000;
  }
}

export function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
