import { appmsgParts } from './appmsg-content.js';
import { type ContentParts, contentParts } from './content-parts.js';
import {
  contactCardParts,
  emojiParts,
  friendRequestParts,
  imageParts,
  locationParts,
  videoParts,
  voiceParts,
} from './media-content.js';
import { metaJson } from './meta-json.js';
import { sysmsgParts } from './sysmsg-content.js';
import { elementText, findElement, rootElement, textContent } from './xml-fields.js';

/** The typed fields of a message from its msg_type and content (group sender prefix already removed). */
export function messageContent(msgType: number, content: string | null): ContentParts {
  if (msgType === 1) return contentParts('text', content);
  const decode = BY_TYPE.get(msgType);
  if (decode === undefined) return contentParts('other');
  if (content === null) return contentParts(msgType === 50 ? 'call' : msgType === 51 ? 'status' : 'other');
  return decode(content);
}

function callParts(xml: string): ContentParts {
  const bubble = findElement(xml, 'VoIPBubbleMsg');
  const text = bubble === null ? null : elementText(xml, 'msg', bubble.inner, bubble.innerEnd);
  return contentParts('call', text || null);
}

function statusParts(xml: string): ContentParts {
  const root = rootElement(xml);
  const op = root === null ? null : findElement(xml, 'op', root.inner, root.innerEnd);
  if (op === null) return contentParts('status');
  const meta = metaJson({
    op: elementText(xml, 'name', op.inner, op.innerEnd),
    username: elementText(xml, 'username', op.inner, op.innerEnd),
  });
  return contentParts('status', null, meta);
}

function systemTextParts(content: string): ContentParts {
  return contentParts('system', textContent(content) || null);
}

const BY_TYPE = new Map<number, (content: string) => ContentParts>([
  [3, imageParts],
  [34, voiceParts],
  [37, friendRequestParts],
  [42, contactCardParts],
  [43, videoParts],
  [47, emojiParts],
  [48, locationParts],
  [49, appmsgParts],
  [50, callParts],
  [51, statusParts],
  [10000, systemTextParts],
  [10002, sysmsgParts],
]);
