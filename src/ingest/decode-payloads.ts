import { isUtf8 } from 'node:buffer';
import type { NewQuarantine } from '../catalog/catalog.js';
import type { Dataset, LakeRecord } from '../core/lake-record.js';
import type { DecodeContext, PlatformAdapter } from '../platforms/platform-adapter.js';
import type { HttpReceiver } from '../platforms/platform-module.js';
import type { LineChunk } from './read-line-chunks.js';

/** What decoding payloads produced. Appended to in place so a batch can span many chunks. */
export interface DecodedPayloads {
  records: LakeRecord[];
  quarantine: NewQuarantine[];
  /** Field names seen in payloads per dataset (for schema versions), as reported by the decoder. */
  fields: Record<Dataset, Set<string>>;
  lines: number;
  blankLines: number;
}

export function emptyDecoded(): DecodedPayloads {
  return {
    records: [],
    quarantine: [],
    fields: { messages: new Set(), contacts: new Set(), events: new Set() },
    lines: 0,
    blankLines: 0,
  };
}

/** A whole body is one payload, read by a module's HTTP receiver (with the body's Content-Type). */
export interface BodyFraming {
  receiver: HttpReceiver;
  contentType: string;
}

export interface DecodePayloadsOptions {
  decoder: PlatformAdapter;
  /** `lines`: one JSON payload a line (logs); a body framing: the bytes are one payload. */
  framing: 'lines' | BodyFraming;
  source: string;
  /** 1-based number of the chunk's first line in its source (lines framing). */
  firstLine: number;
  fallbackTime: number;
  receivedAt: number | null;
}

/**
 * The one door: bytes from any source (a log's chunk, a webhook body, a quarantined payload) become accepted
 * records and their payload fields, or quarantine entries with the raw bytes and the reason (not UTF-8, not
 * a payload, rejected by the decoder). Never throws for bad input.
 */
export function decodePayloads(chunk: LineChunk, opts: DecodePayloadsOptions, out: DecodedPayloads): void {
  if (opts.framing === 'lines') decodeLines(chunk, opts, out);
  else decodeBody(chunk.bytes, opts.framing, opts, out);
}

function decodeBody(bytes: Buffer, framing: BodyFraming, opts: DecodePayloadsOptions, out: DecodedPayloads) {
  const reject = (reason: string) =>
    out.quarantine.push({ source: opts.source, line: null, byteOffset: null, reason, raw: bytes });
  if (!isUtf8(bytes)) return reject('body is not UTF-8');
  const text = bytes.toString('utf8');
  const payload = framing.receiver.payload(text, framing.contentType);
  if (payload === undefined) return reject(framing.receiver.noPayload);
  const reason = decodeOne(
    payload,
    { rawText: text, receivedAt: opts.receivedAt, fallbackTime: opts.fallbackTime },
    opts.decoder,
    out,
  );
  if (reason !== null) reject(reason);
}

/**
 * The door for payloads handed over already parsed (a sync push, an API post: `batch` framing), each with its
 * text as received (the records' raw payload). Rejected ones become quarantine entries of their text.
 */
export function decodeBatch(
  payloads: readonly { payload: unknown; rawText: string }[],
  opts: Pick<DecodePayloadsOptions, 'decoder' | 'source' | 'fallbackTime' | 'receivedAt'>,
  out: DecodedPayloads,
): void {
  for (const { payload, rawText } of payloads) {
    const ctx = { rawText, receivedAt: opts.receivedAt, fallbackTime: opts.fallbackTime };
    const reason = decodeOne(payload, ctx, opts.decoder, out);
    if (reason !== null)
      out.quarantine.push({
        source: opts.source,
        line: null,
        byteOffset: null,
        reason,
        raw: Buffer.from(rawText),
      });
  }
}

/** Decodes one payload into `out`; the rejection's reason, or null. */
function decodeOne(
  value: unknown,
  ctx: DecodeContext,
  decoder: PlatformAdapter,
  out: DecodedPayloads,
): string | null {
  const result = decoder.decode(value, ctx);
  if (!result.ok) return result.reason;
  for (const r of result.records) out.records.push(r);
  const first = result.records[0];
  if (first) decoder.payloadFields?.(value, out.fields[first.dataset]);
  return null;
}

/** Splits a chunk into lines and decodes each; bad lines become quarantine entries, never errors. */
function decodeLines(chunk: LineChunk, opts: DecodePayloadsOptions, out: DecodedPayloads): void {
  const { bytes } = chunk;
  if (isUtf8(bytes)) {
    decodeText(bytes.toString('utf8'), chunk.start, opts, out);
    return;
  }
  let lineNo = opts.firstLine;
  let from = 0;
  while (from < bytes.length) {
    let to = bytes.indexOf(10, from);
    if (to === -1) to = bytes.length;
    const line = bytes.subarray(from, to);
    if (isUtf8(line)) {
      decodeText(
        bytes.toString('utf8', from, Math.min(to + 1, bytes.length)),
        chunk.start + from,
        { ...opts, firstLine: lineNo },
        out,
      );
    } else {
      out.lines++;
      out.quarantine.push({
        source: opts.source,
        line: lineNo,
        byteOffset: chunk.start + from,
        reason: 'not_utf8: the line is not valid UTF-8',
        raw: Buffer.from(line),
      });
    }
    lineNo++;
    from = to + 1;
  }
}

function decodeText(
  text: string,
  startOffset: number,
  opts: DecodePayloadsOptions,
  out: DecodedPayloads,
): void {
  const ctx = { rawText: '', receivedAt: opts.receivedAt, fallbackTime: opts.fallbackTime };
  let lineNo = opts.firstLine;
  let from = 0;
  // Byte offsets are only needed for quarantined lines: computed incrementally from the last one.
  let knownIndex = 0;
  let knownOffset = startOffset;
  const reject = (line: string, at: number, reason: string) => {
    knownOffset += Buffer.byteLength(text.slice(knownIndex, at));
    knownIndex = at;
    out.quarantine.push({
      source: opts.source,
      line: lineNo,
      byteOffset: knownOffset,
      reason,
      raw: Buffer.from(line),
    });
  };
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    const line = text.charCodeAt(to - 1) === 13 ? text.slice(from, to - 1) : text.slice(from, to);
    out.lines++;
    if (isBlank(line)) out.blankLines++;
    else {
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(line);
      } catch (error) {
        parsed = false;
        reject(line, from, `invalid_json: ${(error as Error).message}`);
      }
      if (parsed) {
        ctx.rawText = line;
        const reason = decodeOne(value, ctx, opts.decoder, out);
        if (reason !== null) reject(line, from, reason);
      }
    }
    lineNo++;
    from = to + 1;
  }
}

function isBlank(line: string): boolean {
  return line.length === 0 || line.trim().length === 0;
}
