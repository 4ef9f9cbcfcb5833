import { isUtf8 } from 'node:buffer';
import type { NewQuarantine } from '../catalog/catalog.js';
import type { Dataset, LakeRecord } from '../core/lake-record.js';
import type { PlatformAdapter } from '../platforms/platform-adapter.js';
import type { LineChunk } from './read-line-chunks.js';

/** What decoding a run of lines produced. Appended to in place so a batch can span many chunks. */
export interface DecodedLines {
  records: LakeRecord[];
  quarantine: NewQuarantine[];
  /** Field names seen in payloads per dataset (for schema versions), as reported by the adapter. */
  fields: Record<Dataset, Set<string>>;
  lines: number;
  blankLines: number;
}

export function emptyDecoded(): DecodedLines {
  return {
    records: [],
    quarantine: [],
    fields: { messages: new Set(), contacts: new Set(), events: new Set() },
    lines: 0,
    blankLines: 0,
  };
}

export interface DecodeLinesOptions {
  adapter: PlatformAdapter;
  source: string;
  /** 1-based number of the chunk's first line in its source. */
  firstLine: number;
  fallbackTime: number;
  receivedAt: number | null;
}

/** Splits a chunk into lines and decodes each; bad lines become quarantine entries, never errors. */
export function decodeLines(chunk: LineChunk, opts: DecodeLinesOptions, out: DecodedLines): void {
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

function decodeText(text: string, startOffset: number, opts: DecodeLinesOptions, out: DecodedLines): void {
  const { adapter } = opts;
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
        const result = adapter.decode(value, ctx);
        if (result.ok) {
          for (const r of result.records) out.records.push(r);
          const first = result.records[0];
          if (first) adapter.payloadFields?.(value, out.fields[first.dataset]);
        } else reject(line, from, result.reason);
      }
    }
    lineNo++;
    from = to + 1;
  }
}

function isBlank(line: string): boolean {
  return line.length === 0 || line.trim().length === 0;
}
