import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const SPAN = 4096;

/** Hash of `length` bytes at `position`: enough to tell whether a file still holds what was read. */
export async function hashRange(file: FileHandle, position: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return createHash('sha1').update(buffer.subarray(0, bytesRead)).digest('hex');
}

/** The head (first bytes) and tail (bytes just before `offset`) fingerprints of what was read so far. */
export async function fingerprint(
  file: FileHandle,
  offset: number,
): Promise<{ headHash: string; tailHash: string }> {
  const head = Math.min(SPAN, offset);
  const tail = Math.min(SPAN, offset);
  return { headHash: await hashRange(file, 0, head), tailHash: await hashRange(file, offset - tail, tail) };
}

/** The hash of a whole content (an export file read whole): what its cursor keeps. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
