import type { MessageKind } from '../../core/message.js';

/** What a message's content says, beyond the envelope: the typed fields of a Message. */
export interface ContentParts {
  kind: MessageKind;
  subtypeCode: string | null;
  text: string | null;
  meta: string | null;
  refMessageId: string | null;
}

export function contentParts(
  kind: MessageKind,
  text: string | null = null,
  meta: string | null = null,
  subtypeCode: string | null = null,
  refMessageId: string | null = null,
): ContentParts {
  return { kind, subtypeCode, text, meta, refMessageId };
}

/** Content whose essential XML could not be read. */
export function unreadable(): ContentParts {
  return contentParts('other');
}
