/** The JSON text of the fields that have a value (null, undefined and '' dropped); null when none has. */
export function metaJson(fields: Record<string, string | number | null | undefined>): string | null {
  let out: Record<string, string | number> | null = null;
  for (const key in fields) {
    const v = fields[key];
    if (v === null || v === undefined || v === '') continue;
    if (out === null) out = {};
    out[key] = v;
  }
  return out === null ? null : JSON.stringify(out);
}

/** An attribute or element text as a number; null when absent or not a finite decimal number. */
export function num(s: string | null): number | null {
  if (s === null) return null;
  const t = s.trim();
  if (!DECIMAL.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?$/;

/** Non-empty texts joined by a newline; null when all are empty. */
export function joinText(a: string | null, b: string | null): string | null {
  if (a && b) return `${a}\n${b}`;
  return a || b || null;
}
