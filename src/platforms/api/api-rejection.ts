import type { DecodeResult } from '../platform-adapter.js';

/** A rejected API payload. */
export function reject(reason: string): DecodeResult {
  return { ok: false, reason: `invalid_api_post: ${reason}` };
}
