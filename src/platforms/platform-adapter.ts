import type { LakeRecord } from '../core/lake-record.js';

/** What an adapter knows about a payload besides its parsed value. */
export interface DecodeContext {
  /** The payload's text exactly as it arrived (a log line, a request body). */
  rawText: string;
  /** Epoch ms when the payload was received, if the source says (a log's timestamp, the server clock). */
  receivedAt: number | null;
  /** Epoch ms to fall back on for records that carry no time of their own (contacts, events). */
  fallbackTime: number;
}

export type DecodeResult = { ok: true; records: LakeRecord[] } | { ok: false; reason: string };

/** A platform: turns one parsed payload into canonical records, or says why it cannot. Pure; never throws. */
export interface PlatformAdapter {
  readonly platform: string;
  decode(payload: unknown, ctx: DecodeContext): DecodeResult;
  /** Adds the payload's field names (dotted paths such as "data.msg_id") to `into`: the schema-version signal. */
  payloadFields?(payload: unknown, into: Set<string>): void;
}
