import type { MessageChangeRow } from '../catalog/service-catalog.js';

/**
 * A message's current state from its API changes (edits, deletes, restores; catalog rows, oldest first):
 * deleted or not, the text of its last edit and when that was. Messages without changes have none.
 */
export interface MessageState {
  deleted: boolean;
  /** The last edit's text (null when never edited). */
  text: string | null;
  /** When it was last edited (epoch ms), null when never. */
  editedAt: number | null;
}

/** The states of the messages these changes belong to, by `stateKey(platform, messageId)`. */
export function messageStates(changes: readonly MessageChangeRow[]): Map<string, MessageState> {
  const sorted = [...changes].sort((a, b) => a.version - b.version);
  const out = new Map<string, MessageState>();
  for (const c of sorted) {
    const key = stateKey(c.platform, c.messageId);
    const s = out.get(key) ?? { deleted: false, text: null, editedAt: null };
    if (c.change === 'edit') {
      s.text = c.text;
      s.editedAt = c.at;
    } else s.deleted = c.change === 'delete';
    out.set(key, s);
  }
  return out;
}

export const stateKey = (platform: string, messageId: string): string => `${platform}\0${messageId}`;

/** The columns a message change alters: `text` and `content` become the edit's text (as in the REST API). */
export const EDITED_COLUMNS = ['text', 'content'] as const;
