import type { DecodeResult } from '../platform-adapter.js';

/** Why a WeChat payload yields no record: the stable first word of every rejection reason. */
export const REJECTION_CODES = [
  /** The line (or a request log's parsed_json) is not a JSON object. */
  'not_object',
  /** A request-log line whose body the logger could not parse (parsed_json null). */
  'unparsed_body',
  /** The envelope has no `data` object. */
  'no_data',
  /** A new message (1010) without msg_id. */
  'no_msg_id',
  /** msg_id is neither a string nor a non-negative integer. */
  'bad_msg_id',
  /** msg_id came as a JSON number beyond 2^53 and its exact digits could not be found in the text. */
  'imprecise_msg_id',
  /** A new message without create_time. */
  'no_create_time',
  /** create_time is not a usable epoch (seconds or milliseconds). */
  'bad_create_time',
  /** A new message with neither from_username nor chatroom. */
  'no_conversation',
  /** A contact change (1200–1202) without userName. */
  'no_contact_id',
  /** The adapter itself failed: a bug, reported instead of thrown. */
  'decode_failed',
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

export function reject(code: RejectionCode, detail?: string): DecodeResult {
  return { ok: false, reason: detail ? `${code}: ${detail}` : code };
}
