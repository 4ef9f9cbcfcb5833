/**
 * Small field extraction from WeChat content XML. No DOM and no tree: every helper is a forward indexOf
 * search that stops at what it looks for, so reading the few fields of a message costs about the distance
 * to them, not the size of the document. Elements are assumed not to nest inside a same-name element (true
 * of WeChat content: nested documents are escaped). Garbage gives null, never an exception.
 */

/** One element: `open` is its `<`, `tagEnd` the `>` of its start tag, [inner, innerEnd) its content. */
export interface XmlSpan {
  name: string;
  open: number;
  tagEnd: number;
  inner: number;
  innerEnd: number;
}

const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameEnd(c: number): boolean {
  return c === GT || c === SLASH || isSpace(c) || Number.isNaN(c);
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The document element, or null when the text is not one complete element: a prologue, comments and
 * surrounding whitespace are allowed; anything cut short (no closing tag at the very end) is not.
 */
export function rootElement(xml: string): XmlSpan | null {
  let i = 0;
  for (;;) {
    while (isSpace(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) !== 60) return null;
    const c = xml.charCodeAt(i + 1);
    if (c === QUESTION) i = after(xml, '?>', i + 2);
    else if (c === BANG && xml.startsWith('<!--', i)) i = after(xml, '-->', i + 4);
    else break;
    if (i === -1) return null;
  }
  if (!isNameStart(xml.charCodeAt(i + 1))) return null;
  const gt = xml.indexOf('>', i);
  if (gt === -1) return null;
  let name = i + 1;
  while (!isNameEnd(xml.charCodeAt(name))) name++;
  const tag = xml.slice(i + 1, name);
  let end = xml.length - 1;
  while (end > gt && isSpace(xml.charCodeAt(end))) end--;
  if (xml.charCodeAt(end) !== GT) return null;
  if (end === gt) return xml.charCodeAt(gt - 1) === SLASH ? span(tag, i, gt, gt + 1) : null;
  let close = end - 1;
  while (isSpace(xml.charCodeAt(close))) close--;
  close -= tag.length + 1;
  if (close <= gt || !xml.startsWith(`</${tag}`, close)) return null;
  return span(tag, i, gt, close);
}

function after(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  return at === -1 ? -1 : at + token.length;
}

function span(name: string, open: number, tagEnd: number, innerEnd: number): XmlSpan {
  return { name, open, tagEnd, inner: tagEnd + 1, innerEnd: Math.max(innerEnd, tagEnd + 1) };
}

/** The first start tag `<name …>` in [from, to); its content is not looked for (innerEnd = inner). */
export function startTag(xml: string, name: string, from: number, to: number): XmlSpan | null {
  const needle = `<${name}`;
  for (let at = xml.indexOf(needle, from); at !== -1 && at < to; at = xml.indexOf(needle, at + 1)) {
    if (!isNameEnd(xml.charCodeAt(at + needle.length))) continue;
    const gt = xml.indexOf('>', at);
    return gt === -1 || gt >= to ? null : span(name, at, gt, gt + 1);
  }
  return null;
}

/** The first element `name` in [from, to) with its content (up to the first `</name`), or null. */
export function findElement(xml: string, name: string, from = 0, to = xml.length): XmlSpan | null {
  const start = startTag(xml, name, from, to);
  if (start === null || xml.charCodeAt(start.tagEnd - 1) === SLASH) return start;
  const needle = `</${name}`;
  let close = xml.indexOf(needle, start.inner);
  while (close !== -1 && close < to && !isNameEnd(xml.charCodeAt(close + needle.length)))
    close = xml.indexOf(needle, close + 1);
  return close === -1 || close >= to ? null : span(name, start.open, start.tagEnd, close);
}

/** The text of the first element `name` in [from, to) (see innerText), or null when there is none. */
export function elementText(xml: string, name: string, from: number, to: number): string | null {
  return innerText(xml, findElement(xml, name, from, to));
}

/** An attribute of the element's start tag, entities decoded; null when absent. */
export function attr(xml: string, el: XmlSpan, name: string): string | null {
  const end = el.tagEnd;
  let pos = el.open;
  for (;;) {
    const at = xml.indexOf(name, pos);
    if (at === -1 || at >= end) return null;
    pos = at + name.length;
    if (!isSpace(xml.charCodeAt(at - 1))) continue;
    let eq = pos;
    while (isSpace(xml.charCodeAt(eq))) eq++;
    if (xml.charCodeAt(eq) !== 61) continue;
    let q = eq + 1;
    while (isSpace(xml.charCodeAt(q))) q++;
    const quote = xml.charCodeAt(q);
    if (quote !== 34 && quote !== 39) continue;
    const close = xml.indexOf(quote === 34 ? '"' : "'", q + 1);
    if (close === -1 || close > end) return null;
    return decodeEntities(xml.slice(q + 1, close));
  }
}

/** The text of an element: CDATA kept verbatim, entities decoded, nested tags dropped. */
export function innerText(xml: string, el: XmlSpan | null): string | null {
  if (el === null) return null;
  return textContent(xml, el.inner, el.innerEnd);
}

/** Text of [from, to) with tags removed (a `<` not starting a tag is kept), CDATA unwrapped, entities decoded. */
export function textContent(xml: string, from = 0, to = xml.length): string {
  let lt = xml.indexOf('<', from);
  if (lt === -1 || lt >= to) return decodeEntities(xml.slice(from, to));
  let out = '';
  let i = from;
  let gt = xml.indexOf('>', lt);
  if (gt >= to) gt = -1;
  while (lt !== -1 && lt < to) {
    const c = xml.charCodeAt(lt + 1);
    if (c === BANG && xml.startsWith('<![CDATA[', lt)) {
      const e = xml.indexOf(']]>', lt + 9);
      const stop = e === -1 || e >= to ? to : e;
      out += decodeEntities(xml.slice(i, lt)) + xml.slice(lt + 9, stop);
      i = stop === to ? to : stop + 3;
    } else if (gt !== -1 && (isNameStart(c) || c === SLASH || c === BANG || c === QUESTION)) {
      if (gt < lt) {
        gt = xml.indexOf('>', lt);
        if (gt === -1 || gt >= to) {
          gt = -1;
          continue;
        }
      }
      out += decodeEntities(xml.slice(i, lt));
      i = gt + 1;
    } else {
      lt = xml.indexOf('<', lt + 1);
      continue;
    }
    lt = i < to ? xml.indexOf('<', i) : -1;
  }
  return i < to ? out + decodeEntities(xml.slice(i, to)) : out;
}

/** Decodes the XML entities and numeric character references; anything unrecognised is kept as is. */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let i = 0;
  while (amp !== -1) {
    const length = entityLength(s, amp);
    if (length > 0) {
      out += s.slice(i, amp) + entityText(s, amp, length);
      i = amp + length;
    }
    amp = s.indexOf('&', amp + 1);
  }
  return out + s.slice(i);
}

/** The length of the entity starting at `amp` (`&lt;` → 4), 0 when none starts there. */
function entityLength(s: string, amp: number): number {
  const c = s.charCodeAt(amp + 1);
  if (c === 108 || c === 103) return s.charCodeAt(amp + 2) === 116 && s.charCodeAt(amp + 3) === 59 ? 4 : 0;
  if (c === 97) return s.startsWith('amp;', amp + 1) ? 5 : s.startsWith('apos;', amp + 1) ? 6 : 0;
  if (c === 113) return s.startsWith('quot;', amp + 1) ? 6 : 0;
  if (c === 110) return s.startsWith('nbsp;', amp + 1) ? 6 : 0;
  if (c === 35) return numericEntity(s, amp)[1];
  return 0;
}

function entityText(s: string, amp: number, length: number): string {
  switch (s.charCodeAt(amp + 1)) {
    case 108:
      return '<';
    case 103:
      return '>';
    case 97:
      return length === 5 ? '&' : "'";
    case 113:
      return '"';
    case 110:
      return '\u00a0';
    default:
      return numericEntity(s, amp)[0];
  }
}

type Entity = readonly [text: string, length: number];
const NONE: Entity = ['', 0];

const HEX = /^[0-9a-fA-F]+$/;
const DEC = /^[0-9]+$/;

function numericEntity(s: string, amp: number): Entity {
  const hex = s.charCodeAt(amp + 2) === 120 || s.charCodeAt(amp + 2) === 88;
  const start = hex ? amp + 3 : amp + 2;
  let semi = start;
  while (semi < start + 8 && s.charCodeAt(semi) !== 59) semi++;
  if (s.charCodeAt(semi) !== 59) return NONE;
  const digits = s.slice(start, semi);
  if (digits.length === 0 || !(hex ? HEX : DEC).test(digits)) return NONE;
  const cp = Number.parseInt(digits, hex ? 16 : 10);
  if (cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return NONE;
  return [String.fromCodePoint(cp), semi + 1 - amp];
}
