import { type ContentParts, contentParts, unreadable } from './content-parts.js';
import { metaJson } from './meta-json.js';
import { attr, elementText, findElement, innerText, rootElement, type XmlSpan } from './xml-fields.js';

/** A system XML message (msg_type 10002): a revoke, or a system notice with a readable text. */
export function sysmsgParts(xml: string): ContentParts {
  const root = rootElement(xml);
  if (root === null || root.name !== 'sysmsg') return unreadable();
  const type = attr(xml, root, 'type') || null;
  const meta = metaJson({ sysmsgType: type });
  if (type === 'revokemsg') {
    const ref = elementText(xml, 'newmsgid', root.inner, root.innerEnd)?.trim() || null;
    const text = elementText(xml, 'replacemsg', root.inner, root.innerEnd) || null;
    return contentParts('revoke', text, meta, null, ref);
  }
  return contentParts('system', noticeText(xml, root, type), meta);
}

function noticeText(xml: string, root: XmlSpan, type: string | null): string | null {
  if (type === 'pat') return dollarBraces(elementText(xml, 'template', root.inner, root.innerEnd));
  if (type === 'sysmsgtemplate') return templateText(xml, root);
  for (const name of NOTICE_FIELDS) {
    const text = elementText(xml, name, root.inner, root.innerEnd);
    if (text) return text;
  }
  return null;
}

const MAX_PLACEHOLDERS = 16;
const NOTICE_FIELDS = ['plain', 'text', 'content', 'title'];

/** `"${wxid_a}" 拍了拍我` → `"wxid_a" 拍了拍我`. */
function dollarBraces(s: string | null): string | null {
  if (!s) return null;
  let out = '';
  let i = 0;
  for (let at = s.indexOf('${'); at !== -1; at = s.indexOf('${', i)) {
    const end = s.indexOf('}', at + 2);
    if (end === -1) break;
    out += s.slice(i, at) + s.slice(at + 2, end);
    i = end + 1;
  }
  return out + s.slice(i);
}

/** A `sysmsgtemplate`: its template with each `$name$` replaced by the nicknames (or plain text) of its link. */
function templateText(xml: string, root: XmlSpan): string | null {
  const tpl = elementText(xml, 'template', root.inner, root.innerEnd);
  if (!tpl) return null;
  const list = findElement(xml, 'link_list', root.inner, root.innerEnd);
  let out = '';
  let i = 0;
  let left = MAX_PLACEHOLDERS;
  for (let at = tpl.indexOf('$'); at !== -1 && left-- > 0; at = tpl.indexOf('$', i)) {
    const end = tpl.indexOf('$', at + 1);
    if (end === -1) break;
    const value = list === null ? null : linkText(xml, list, tpl.slice(at + 1, end));
    if (value === null) {
      out += tpl.slice(i, end);
      i = end;
      continue;
    }
    out += tpl.slice(i, at) + value;
    i = end + 1;
  }
  return out + tpl.slice(i);
}

function linkText(xml: string, list: XmlSpan, name: string): string | null {
  for (let link = findElement(xml, 'link', list.inner, list.innerEnd); link !== null; ) {
    if (attr(xml, link, 'name') === name) {
      const names: string[] = [];
      for (let nick = findElement(xml, 'nickname', link.inner, link.innerEnd); nick !== null; ) {
        const text = innerText(xml, nick);
        if (text) names.push(text);
        nick = findElement(xml, 'nickname', nick.innerEnd, link.innerEnd);
      }
      if (names.length > 0) return names.join('、');
      return elementText(xml, 'plain', link.inner, link.innerEnd) || null;
    }
    link = findElement(xml, 'link', link.innerEnd, list.innerEnd);
  }
  return null;
}
