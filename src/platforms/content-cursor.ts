import type { ContentCursorKind } from './source-cursor.js';

/** The cursor of every whole-framed source (an export file): the same content again has nothing new to read. */
export const contentCursor: ContentCursorKind = {
  kind: 'content',
  unchanged: (cursor, contentHash) => cursor !== null && decodeContentCursor(cursor) === contentHash,
  save: (contentHash) => JSON.stringify({ contentHash }),
};

/** The content hash a content cursor holds, or null when the text is not one. */
export function decodeContentCursor(cursor: string): string | null {
  try {
    const value: unknown = JSON.parse(cursor);
    if (typeof value !== 'object' || value === null) return null;
    const { contentHash } = value as { contentHash?: unknown };
    return typeof contentHash === 'string' && contentHash.length > 0 ? contentHash : null;
  } catch {
    return null;
  }
}
