import type { FileCursorKind, FileFacts, FilePosition, FileResume } from './source-cursor.js';

/**
 * What a file cursor holds: how far the file was read, its size and identity then, and fingerprints of what was
 * read (its first and its last bytes). Catalogs before migration 006 kept these as columns; 006 made them this.
 */
export interface FileCheckpoint extends FilePosition {
  fileSize: number;
  fileId: string | null;
  headHash: string | null;
  tailHash: string | null;
}

const START: FilePosition = { offset: 0, line: 0 };

/** The cursor of every line-framed source: a log read from where the last run stopped. */
export const fileCursor: FileCursorKind = {
  kind: 'file',
  async resume(cursor: string | null, file: FileFacts): Promise<FileResume> {
    if (cursor === null) return START;
    const cp = decodeFileCursor(cursor);
    if (!cp) return { ...START, restart: 'its checkpoint is not a file position' };
    if (cp.offset === 0) return START;
    if (file.size < cp.offset)
      return { ...START, restart: `it is shorter (${file.size} bytes) than what was read (${cp.offset})` };
    const now = await file.fingerprint(cp.offset);
    if (now.headHash !== cp.headHash || now.tailHash !== cp.tailHash)
      return { ...START, restart: 'its content changed (rotated or rewritten)' };
    return { offset: cp.offset, line: cp.line };
  },
  async save(at: FilePosition, file: FileFacts): Promise<string> {
    const hashes = await file.fingerprint(at.offset);
    return encodeFileCursor({ ...at, fileSize: file.size, fileId: file.id, ...hashes });
  },
};

export function encodeFileCursor(cp: FileCheckpoint): string {
  const { offset, line, fileSize, fileId, headHash, tailHash } = cp;
  return JSON.stringify({ offset, line, fileSize, fileId, headHash, tailHash });
}

/** The checkpoint a file cursor holds, or null when the text is not one. */
export function decodeFileCursor(cursor: string): FileCheckpoint | null {
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const count = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const text = (x: unknown): x is string | null => x === null || typeof x === 'string';
  if (!count(v.offset) || !count(v.line) || !count(v.fileSize)) return null;
  if (!text(v.fileId) || !text(v.headHash) || !text(v.tailHash)) return null;
  return {
    offset: v.offset,
    line: v.line,
    fileSize: v.fileSize,
    fileId: v.fileId,
    headHash: v.headHash,
    tailHash: v.tailHash,
  };
}
