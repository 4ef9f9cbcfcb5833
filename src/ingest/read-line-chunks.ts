import type { FileHandle } from 'node:fs/promises';

/** Whole lines read from a byte source: `bytes` always ends with "\n" unless it is the final tail of a stream. */
export interface LineChunk {
  bytes: Buffer;
  /** Offset in the source of bytes[0]. */
  start: number;
}

const READ_SIZE = 4 * 1024 * 1024;

/**
 * Reads a file from `start` in bounded chunks cut at newlines. A last line without its newline is
 * left unread: it may still be being written, and the checkpoint stays before it. Once `signal` aborts,
 * no more is read (the checkpoint stays after the last chunk given).
 */
export async function* readFileLineChunks(
  file: FileHandle,
  start: number,
  end: number,
  signal?: AbortSignal,
): AsyncGenerator<LineChunk> {
  let carry: Buffer = Buffer.alloc(0);
  let position = start;
  let carryStart = start;
  while (position < end && !signal?.aborted) {
    const want = Math.min(READ_SIZE, end - position);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await file.read(buffer, 0, want, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = carry.length
      ? Buffer.concat([carry, buffer.subarray(0, bytesRead)])
      : buffer.subarray(0, bytesRead);
    const cut = data.lastIndexOf(10);
    if (cut === -1) {
      carry = data;
      continue;
    }
    yield { bytes: data.subarray(0, cut + 1), start: carryStart };
    carry = Buffer.from(data.subarray(cut + 1));
    carryStart += cut + 1;
  }
}

/**
 * Reads a stream (stdin) in chunks cut at newlines; at the end of the stream the tail is a line too. Once
 * `signal` aborts, even while waiting for more input, what was read ends the stream: its bytes are not lost.
 */
export async function* readStreamLineChunks(
  stream: AsyncIterable<Buffer | string>,
  signal?: AbortSignal,
): AsyncGenerator<LineChunk> {
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = function* (final: boolean): Generator<LineChunk> {
    const data = Buffer.concat([carry, ...pending]);
    pending = [];
    pendingBytes = 0;
    const cut = final ? data.length - 1 : data.lastIndexOf(10);
    if (cut < 0) {
      carry = data;
      return;
    }
    yield { bytes: data.subarray(0, cut + 1), start: carryStart };
    carry = Buffer.from(data.subarray(cut + 1));
    carryStart += cut + 1;
  };
  for await (const piece of untilAborted(stream, signal)) {
    const b = typeof piece === 'string' ? Buffer.from(piece) : piece;
    pending.push(b);
    pendingBytes += b.length;
    if (pendingBytes >= READ_SIZE) yield* flush(false);
  }
  yield* flush(true);
}

/** The items until the signal aborts, even while the next one is still awaited. */
async function* untilAborted<T>(items: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  if (!signal) return yield* items;
  const iterator = items[Symbol.asyncIterator]();
  const aborted = new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
  for (;;) {
    const next = await Promise.race([iterator.next(), aborted]);
    if (next === null || next.done) return;
    yield next.value;
  }
}
