import { InvalidArgumentError } from 'commander';
import { ChatlakeError } from '../core/errors.js';
import { LocalDay } from '../core/local-day.js';
import { MESSAGE_KINDS } from '../core/message.js';
import { timeBound } from '../query/time-bound.js';

/**
 * Commander parsers for flag values: each checks its value where it is parsed and throws InvalidArgumentError
 * (exit 2, "option '--limit <n>' argument 'abc' is invalid. …") naming what is allowed. Parsers of repeatable
 * values (`<day...>`) get the previous values as their second argument.
 */

/** A whole number in [min, max] ("10", not "1e1", "0x10", "10.5" or " 10"). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`use a whole number ${range}.`);
    }
    return n;
  };
}

/** A decimal number in [min, max] (e.g. 16 or 0.5). */
export function numberIn(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`use a number from ${min} to ${max}, e.g. 16 or 0.5.`);
    return n;
  };
}

/** One of `values`, any case ("DESC" is desc); returns the value as listed. */
export function oneOf<T extends string>(values: readonly T[]): (text: string) => T {
  return (text) => {
    const found = values.find((v) => v === text.toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`use one of ${values.join(', ')}.`);
    return found;
  };
}

/** A --from/--to time as `timeBound` reads it (checked here in UTC; the lake's zone applies later). */
export function timeText(text: string): string {
  try {
    timeBound(text, UTC, 'from');
    timeBound(text, UTC, 'to');
  } catch (error) {
    if (!(error instanceof ChatlakeError)) throw error;
    throw new InvalidArgumentError(`${error.message}: ${error.hint ?? TIME_FORMS}.`);
  }
  return text;
}

/** A calendar day YYYY-MM-DD; repeatable (collects into a list). */
export function dayList(text: string, previous: string[] | undefined): string[] {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : null;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text)
    throw new InvalidArgumentError('use a calendar day YYYY-MM-DD, e.g. 2026-01-23.');
  return [...(previous ?? []), text];
}

/** A non-empty value (no blank ids, names or paths). */
export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('give a non-empty value.');
  return text;
}

const UTC = new LocalDay('UTC');
const TIME_FORMS =
  'use 2026-01-23, 2026-01, 2026, or 2026-01-23T10:00 (local; add Z or +08:00 for another zone)';

/** Whole-number ids ≥ 1 of a variadic argument (`[ids...]`): collects into a list. */
export function wholeNumbers(text: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), wholeNumber(1)(text)];
}

/** A message kind (text, image, …) or a platform's numeric type code (3). */
export function messageType(text: string): string {
  if (/^\d{1,9}$/.test(text)) return text;
  const kind = text.toLowerCase();
  if ((MESSAGE_KINDS as readonly string[]).includes(kind)) return kind;
  throw new InvalidArgumentError(
    `use a kind (${MESSAGE_KINDS.join(', ')}) or a numeric type code such as 3.`,
  );
}
