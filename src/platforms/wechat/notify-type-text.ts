/** A notify_type as the text stored in typeCode / eventType; 'unknown' when absent. */
export function notifyTypeText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v === undefined || v === null) return 'unknown';
  return JSON.stringify(v);
}
