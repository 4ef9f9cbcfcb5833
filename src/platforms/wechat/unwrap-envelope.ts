import type { DecodeContext, DecodeResult } from '../platform-adapter.js';
import { instantMs } from './epoch-ms.js';
import { reject } from './rejections.js';
import { isObject, type JsonObject, jsonType } from './wechat-payload.js';

/** The webhook envelope `{guid, notify_type, data}` of a line, with what its wrapping said about it. */
export interface Envelope {
  accountId: string | null;
  notifyType: unknown;
  data: unknown;
  /** The envelope's own text: the records' `raw`. */
  raw: string;
  /** The texts as received that hold the envelope (a number's exact digits are read back from them). */
  sourceTexts: readonly string[];
  /** When the request log says the body arrived; null for a bare envelope. */
  receivedAt: number | null;
}

const LOG_EVENT = 'webhook_request_received';

/** A bare envelope line or a request-log line (`{"event":"webhook_request_received", …, parsed_json}`). */
export function unwrapEnvelope(payload: unknown, ctx: DecodeContext): Envelope | DecodeResult {
  if (!isObject(payload)) return reject('not_object', jsonType(payload));
  if (!('parsed_json' in payload) && payload.event !== LOG_EVENT)
    return envelope(payload, ctx.rawText, [ctx.rawText], null);
  const parsed = payload.parsed_json;
  if (parsed === null || parsed === undefined)
    return reject('unparsed_body', str(payload.parse_error) || 'parsed_json is null');
  if (!isObject(parsed)) return reject('not_object', `parsed_json is ${jsonType(parsed)}`);
  const body = payload.body_text;
  const receivedAt = instantMs(payload.timestamp);
  if (typeof body === 'string' && body !== '') return envelope(parsed, body, [body, ctx.rawText], receivedAt);
  return envelope(parsed, JSON.stringify(parsed), [ctx.rawText], receivedAt);
}

function envelope(
  env: JsonObject,
  raw: string,
  sourceTexts: readonly string[],
  receivedAt: number | null,
): Envelope {
  const guid = env.guid;
  return {
    accountId: typeof guid === 'string' && guid !== '' ? guid : null,
    notifyType: env.notify_type,
    data: env.data,
    raw,
    sourceTexts,
    receivedAt,
  };
}

function str(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 200);
  return v === null || v === undefined ? '' : JSON.stringify(v).slice(0, 200);
}
