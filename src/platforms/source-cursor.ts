/**
 * A source's checkpoint is a cursor: text the catalog stores and never reads. Only the cursor kind that wrote
 * it reads it, and each framing has its kind (platform-module.ts `FRAMING_CURSORS`): a byte position with
 * fingerprints for `lines` (file-cursor.ts), a content hash for `whole` (content-cursor.ts), the platform's own
 * sync cursor for `batch` (sync-cursor.ts). A cursor a kind cannot read is no error: reading starts over (dedupe
 * keeps that exact).
 */
export type SourceCursor = FileCursorKind | ContentCursorKind | SyncCursorKind;

/** The facts of an open file a file cursor needs. The reader (ingest/) gathers them: platforms/ reads no files. */
export interface FileFacts {
  readonly size: number;
  /** The file's identity on its disk (`dev:ino`). */
  readonly id: string;
  /** Fingerprints of what lies before `offset`: hashes of its first and of its last bytes. */
  fingerprint(offset: number): Promise<{ headHash: string; tailHash: string }>;
}

/** How far a file was read: `offset` bytes, `line` lines. */
export interface FilePosition {
  offset: number;
  line: number;
}

/** Where to go on reading a file; `restart` says why it starts over although it has a cursor. */
export interface FileResume extends FilePosition {
  restart?: string;
}

/** The cursor of a file read line by line (`lines`). */
export interface FileCursorKind {
  readonly kind: 'file';
  /** Where reading goes on: after what was read, or from the start (with why) when that is gone or changed. */
  resume(cursor: string | null, file: FileFacts): Promise<FileResume>;
  /** The cursor of a file read up to `at`. */
  save(at: FilePosition, file: FileFacts): Promise<string>;
}

/** The cursor of a source read whole (`whole`: an export file): the hash of the content read. */
export interface ContentCursorKind {
  readonly kind: 'content';
  /** Whether this content (by its hash) is what was read last: then there is nothing to read. */
  unchanged(cursor: string | null, contentHash: string): boolean;
  save(contentHash: string): string;
}

/**
 * The cursor of a sync (`batch`: history pulled or pushed in batches): the platform's own position (a sync token,
 * the last event id), produced by its module and handed back to it as it was; the catalog only keeps it.
 */
export interface SyncCursorKind {
  readonly kind: 'sync';
  /** The position the next sync starts from: null from the beginning (no cursor yet). */
  resume(cursor: string | null): string | null;
  /** The cursor to keep for the position the module reported after a batch. */
  save(position: string): string;
}
