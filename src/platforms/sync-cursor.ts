import type { SyncCursorKind } from './source-cursor.js';

/** The cursor of every batch-framed source: the module's own position, kept as the module gave it. */
export const syncCursor: SyncCursorKind = {
  kind: 'sync',
  resume: (cursor) => (cursor === null || cursor.length === 0 ? null : cursor),
  save: (position) => position,
};
