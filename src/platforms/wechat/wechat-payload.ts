/** A JSON object as parsed: every field still unknown until checked. */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type name used in rejection reasons. */
export function jsonType(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** A string field, or '' for anything else (a number is written out). */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

/** WeChat contact fields come as `"x"`, `{"string": "x"}` or `{}`: the text, or null when empty. */
export function unwrapString(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (isObject(v)) {
    const inner = v.string;
    return typeof inner === 'string' && inner !== '' ? inner : null;
  }
  return null;
}

/** A notify_type / msg_type code as a number, or NaN when absent or not numeric. */
export function code(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number.NaN;
  if (typeof v === 'string' && DIGITS.test(v)) return Number(v);
  return Number.NaN;
}

export const DIGITS = /^[0-9]+$/;
