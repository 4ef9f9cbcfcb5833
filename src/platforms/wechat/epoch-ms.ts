import { DIGITS } from './wechat-payload.js';

const MS_THRESHOLD = 1e11;
const MAX_MS = 8.64e15;

/** Epoch seconds or milliseconds (told apart by magnitude, as a number or digit string) → epoch ms; null if unusable. */
export function epochMs(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && DIGITS.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  const ms = Math.round(n > MS_THRESHOLD ? n : n * 1000);
  return ms <= MAX_MS ? ms : null;
}

/** A log timestamp: an ISO date text, or epoch seconds/ms → epoch ms; null if unusable. */
export function instantMs(v: unknown): number | null {
  if (typeof v === 'string' && !DIGITS.test(v)) {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : null;
  }
  return epochMs(v);
}
