import type { RejectionCode } from './rejections.js';

const NO_ID = { reject: 'no_msg_id' } as const;
const BAD_ID = { reject: 'bad_msg_id' } as const;
const IMPRECISE_ID = { reject: 'imprecise_msg_id' } as const;
const MSG_ID_NUMBER = /"msg_id"\s*:\s*([0-9]+)/;

/**
 * The msg_id as its exact digits. A JSON number beyond 2^53 lost digits in JSON.parse: they are read back
 * from the payload text instead, and the message is rejected rather than stored under a rounded id.
 */
export function messageId(v: unknown, texts: readonly string[]): string | { reject: RejectionCode } {
  if (typeof v === 'string') return v === '' ? NO_ID : v;
  if (v === undefined || v === null) return NO_ID;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return BAD_ID;
  if (Number.isSafeInteger(v)) return String(v);
  for (const text of texts) {
    const digits = MSG_ID_NUMBER.exec(text)?.[1];
    if (digits !== undefined && Number(digits) === v) return digits;
  }
  return IMPRECISE_ID;
}
