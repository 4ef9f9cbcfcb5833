import { type FileHandle, open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Checkpoint } from '../catalog/catalog.js';
import type { PlatformAdapter } from '../platforms/platform-adapter.js';
import {
  bodyReader,
  FRAMING_CURSORS,
  type HttpReceiver,
  type PlatformModule,
} from '../platforms/platform-module.js';
import type { FileFacts } from '../platforms/source-cursor.js';
import { type BatchDeps, commitBatch } from './commit-batch.js';
import {
  type DecodedPayloads,
  type DecodePayloadsOptions,
  decodePayloads,
  emptyDecoded,
} from './decode-payloads.js';
import { contentHash, fingerprint } from './file-fingerprint.js';
import { addOutcome, type IngestCounts } from './ingest-counts.js';
import type { IngestListener } from './ingest-events.js';
import { type LineChunk, readFileLineChunks, readStreamLineChunks } from './read-line-chunks.js';

export interface SourceRun {
  deps: BatchDeps;
  adapter: PlatformAdapter;
  taskId: number;
  batchBytes: number;
  counts: IngestCounts;
  listener: IngestListener;
  startedAt: number;
  /** Without a platform given: the decoder of a source's first bytes (a stream's; files are sniffed before). */
  sniff?: (head: string) => PlatformAdapter;
  /** Once aborted, reading stops; what was read is committed (with its checkpoint) before the run ends. */
  signal?: AbortSignal;
  /** The module of a platform: how its files are framed (without it, by lines). */
  module?: (platform: string) => PlatformModule;
}

/**
 * Ingests what is new in a file, as its platform's framing reads it: a line-framed log from where its cursor
 * stopped (from the start when it was truncated or rewritten; dedupe keeps that exact), a whole-framed export
 * unless its content is what was read last. Every batch commits the source's cursor with it. The cursor is
 * opaque here: its kind (platforms/source-cursor.ts) says where to start and what to save.
 */
export async function ingestFile(run: SourceRun, path: string): Promise<void> {
  const module = run.module?.(run.adapter.platform);
  const { catalog } = run.deps;
  const source = await catalog.source(path, 'file', run.adapter.platform);
  const file = await open(path, 'r');
  try {
    const { size, dev, ino } = await file.stat();
    const facts: FileFacts = { size, id: `${dev}:${ino}`, fingerprint: (at) => fingerprint(file, at) };
    const saved = (await catalog.checkpoint(source.id))?.cursor ?? null;
    run.counts.sources++;
    if (module?.framing === 'whole')
      await ingestWhole(run, path, source.id, file, facts, saved, bodyReader(module));
    else await ingestLines(run, path, source.id, file, facts, saved);
  } finally {
    await file.close();
  }
}

async function ingestLines(
  run: SourceRun,
  path: string,
  sourceId: number,
  file: FileHandle,
  facts: FileFacts,
  saved: string | null,
): Promise<void> {
  const cursor = FRAMING_CURSORS.lines;
  const start = await cursor.resume(saved, facts);
  if (start.restart !== undefined)
    run.listener.notice?.({
      source: path,
      message: `reading from the start because ${start.restart}; stored records are skipped`,
    });
  let { offset, line } = start;
  await processChunks(
    run,
    path,
    readFileLineChunks(file, offset, facts.size, run.signal),
    'lines',
    line,
    dayInName(path) ?? run.startedAt,
    facts.size - offset,
    async (end, lines) => {
      offset = end;
      line += lines;
      const checkpoint: Checkpoint = { sourceId, cursor: await cursor.save({ offset, line }, facts) };
      return { checkpoint, lineage: { sourceId } };
    },
  );
}

/** A whole-framed file is one payload (read by the module's receiver); the same content again is not read. */
async function ingestWhole(
  run: SourceRun,
  path: string,
  sourceId: number,
  file: FileHandle,
  facts: FileFacts,
  saved: string | null,
  receiver: HttpReceiver,
): Promise<void> {
  const cursor = FRAMING_CURSORS.whole;
  if (facts.size === 0 || run.signal?.aborted) return;
  const bytes = Buffer.alloc(facts.size);
  const { bytesRead } = await file.read(bytes, 0, facts.size, 0);
  const whole = bytes.subarray(0, bytesRead);
  const hash = contentHash(whole);
  if (cursor.unchanged(saved, hash)) return;
  const contentType = extname(path).toLowerCase() === '.json' ? 'application/json' : 'text/plain';
  await processChunks(
    run,
    path,
    [{ bytes: whole, start: 0 }],
    { receiver, contentType },
    0,
    dayInName(path) ?? run.startedAt,
    whole.length,
    async () => ({ checkpoint: { sourceId, cursor: cursor.save(hash) }, lineage: { sourceId } }),
  );
}

/**
 * Ingests a stream (stdin) to its end, framed as its platform's files are: by lines, or whole (an export piped
 * in is one payload). There is no checkpoint to resume from; dedupe keeps re-runs exact.
 */
export async function ingestStream(
  run: SourceRun,
  name: string,
  stream: AsyncIterable<Buffer>,
): Promise<void> {
  const chunks = readStreamLineChunks(stream, run.signal);
  const first = await chunks.next();
  if (run.sniff && !first.done) run.adapter = run.sniff(first.value.bytes.toString('utf8'));
  const source = await run.deps.catalog.source(`${name}:${run.taskId}`, 'stream', run.adapter.platform);
  run.counts.sources++;
  const batchEnd = async () => ({ checkpoint: null, lineage: { sourceId: source.id } });
  const module = run.module?.(run.adapter.platform);
  if (module?.framing !== 'whole')
    return processChunks(run, name, withFirst(first, chunks), 'lines', 0, run.startedAt, 0, batchEnd);
  const parts: Buffer[] = [];
  for await (const chunk of withFirst(first, chunks)) parts.push(chunk.bytes);
  const whole = Buffer.concat(parts);
  if (whole.length === 0) return;
  const framing = { receiver: bodyReader(module), contentType: 'text/plain' };
  await processChunks(
    run,
    name,
    [{ bytes: whole, start: 0 }],
    framing,
    0,
    run.startedAt,
    whole.length,
    batchEnd,
  );
}

/** The chunks of a stream again, its first (already read) included. */
async function* withFirst(
  first: IteratorResult<LineChunk>,
  rest: AsyncGenerator<LineChunk>,
): AsyncGenerator<LineChunk> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

type BatchEnd = (
  end: number,
  lines: number,
) => Promise<{ checkpoint: Checkpoint | null; lineage: { sourceId: number } }>;

/**
 * Decodes chunks into batches and commits each. A batch's commit (Parquet writing on DuckDB's threads, the
 * catalog transaction) overlaps with decoding the next batch; commits still happen strictly in order, so
 * checkpoints only ever move forward over committed data. At most two batches are in memory.
 */
async function processChunks(
  run: SourceRun,
  name: string,
  chunks: AsyncIterable<LineChunk> | Iterable<LineChunk>,
  framing: DecodePayloadsOptions['framing'],
  firstLine: number,
  fallbackTime: number,
  bytesTotal: number,
  onBatchEnd: BatchEnd,
): Promise<void> {
  const opts = {
    decoder: run.adapter,
    framing,
    source: name,
    firstLine: firstLine + 1,
    fallbackTime,
    receivedAt: null,
  };
  let decoded = emptyDecoded();
  let batchStart = -1;
  let batchEnd = 0;
  let batchBytes = 0;
  let bytesDone = 0;
  // Lines decoded so far: a batch's lines reach `run.counts` only once its commit is done, after the next
  // batch started decoding; counting from the commits would drop a batch in flight (the bar went backwards).
  // The sources before this one are committed in full (each awaits its last commit).
  const linesBefore = run.counts.linesRead;
  let linesDecoded = 0;
  const quarantinedBefore = run.counts.quarantined;
  const blankBefore = run.counts.blankLines;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batchStart < 0) return;
    const batch = decoded;
    const range = { start: batchStart, end: batchEnd, bytes: batchBytes };
    decoded = emptyDecoded();
    batchStart = -1;
    batchBytes = 0;
    const previous = inFlight;
    inFlight = (async () => {
      await previous;
      const { checkpoint, lineage } = await onBatchEnd(range.end, batch.lines);
      countNulls(run.counts, batch);
      const outcome = await commitBatch(run.deps, {
        taskId: run.taskId,
        records: batch.records,
        quarantine: batch.quarantine,
        fields: batch.fields,
        lineage: { ...lineage, start: range.start, end: range.end },
        checkpoint,
      });
      addOutcome(run.counts, outcome);
      run.counts.linesRead += batch.lines;
      run.counts.blankLines += batch.blankLines;
      run.counts.bytesRead += range.bytes;
    })();
    inFlight.catch(() => {}); // observed below and at the end; must not count as an unhandled rejection
    await previous;
  };
  try {
    for await (const chunk of chunks) {
      if (batchStart < 0) batchStart = chunk.start;
      const before = decoded.lines;
      decodePayloads(chunk, opts, decoded);
      opts.firstLine += decoded.lines - before;
      linesDecoded += decoded.lines - before;
      batchEnd = chunk.start + chunk.bytes.length;
      batchBytes += chunk.bytes.length;
      bytesDone += chunk.bytes.length;
      run.listener.progress?.({
        source: name,
        bytesDone,
        bytesTotal,
        lines: linesBefore + linesDecoded,
      });
      if (batchBytes >= run.batchBytes) await flush();
    }
    await flush();
  } finally {
    await inFlight;
  }
  const lines = run.counts.linesRead - linesBefore - (run.counts.blankLines - blankBefore);
  if (firstLine === 0 && lines > 0 && run.counts.quarantined - quarantinedBefore === lines)
    run.counts.allQuarantined.push(name);
}

function dayInName(path: string): number | null {
  const m = /(\d{4}-\d{2}-\d{2})/.exec(basename(path));
  if (!m) return null;
  const t = Date.parse(`${m[1]}T00:00:00Z`);
  return Number.isNaN(t) ? null : t;
}

function countNulls(counts: IngestCounts, decoded: DecodedPayloads): void {
  for (const r of decoded.records) {
    if (r.dataset !== 'messages') continue;
    const m = r.record;
    if (m.senderId === null) counts.nulls.sender_id = (counts.nulls.sender_id ?? 0) + 1;
    if (m.text === null) counts.nulls.text = (counts.nulls.text ?? 0) + 1;
    if (m.typeCode === null) counts.nulls.type_code = (counts.nulls.type_code ?? 0) + 1;
    counts.nulls.$messages = (counts.nulls.$messages ?? 0) + 1;
  }
}
