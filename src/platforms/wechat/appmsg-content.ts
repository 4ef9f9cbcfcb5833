import type { MessageKind } from '../../core/message.js';
import { type ContentParts, contentParts, unreadable } from './content-parts.js';
import { joinText, metaJson, num } from './meta-json.js';
import { senderPrefixLength } from './sender-prefix.js';
import {
  decodeEntities,
  elementText,
  findElement,
  innerText,
  rootElement,
  startTag,
  textContent,
  type XmlSpan,
} from './xml-fields.js';

/** An app message (msg_type 49): the kind comes from `<appmsg><type>`. */
export function appmsgParts(xml: string): ContentParts {
  const root = rootElement(xml);
  if (root === null) return unreadable();
  const appmsg = root.name === 'appmsg' ? root : startTag(xml, 'appmsg', root.inner, root.innerEnd);
  if (appmsg === null) return unreadable();
  const a = new Appmsg(xml, appmsg.inner, root.innerEnd);
  const build = APP_TYPES.get(a.type ?? '');
  if (build) return build(a);
  const url = a.url();
  const kind: MessageKind = url ? 'link' : 'other';
  return contentParts(kind, joinText(a.title, a.des), metaJson({ url }), a.type);
}

/** The fields of one `<appmsg>`, read on demand (its title, des and type come first in every layout). */
class Appmsg {
  readonly type: string | null;
  readonly title: string | null;
  readonly des: string | null;

  constructor(
    readonly xml: string,
    readonly from: number,
    readonly to: number,
  ) {
    this.title = this.text('title');
    this.des = this.text('des');
    this.type = this.text('type')?.trim() || null;
  }

  text(name: string): string | null {
    return elementText(this.xml, name, this.from, this.to);
  }

  url(): string | null {
    return this.text('url')?.trim() || null;
  }

  /** A reader of the fields of the child element `parent` (every field null when it is absent). */
  part(parent: string): (name: string) => string | null {
    const p = findElement(this.xml, parent, this.from, this.to);
    return (name) => (p === null ? null : elementText(this.xml, name, p.inner, p.innerEnd));
  }
}

function link(a: Appmsg): ContentParts {
  return contentParts('link', joinText(a.title, a.des), metaJson({ url: a.url() }), a.type);
}

function file(a: Appmsg): ContentParts {
  const attach = a.part('appattach');
  const meta = metaJson({ totallen: num(attach('totallen')), fileext: attach('fileext') });
  return contentParts('file', a.title || null, meta, a.type);
}

function forward(a: Appmsg): ContentParts {
  return contentParts('forward', joinText(a.title, a.des), null, a.type);
}

function miniProgram(a: Appmsg): ContentParts {
  const field = a.part('weappinfo');
  return contentParts(
    'mini_program',
    a.title || null,
    metaJson({ appid: field('appid'), username: field('username') }),
    a.type,
  );
}

function channels(a: Appmsg): ContentParts {
  const field = a.part('finderFeed');
  const meta = metaJson({ url: a.url(), feedNickname: field('nickname'), feedObjectId: field('objectId') });
  return contentParts('link', field('desc') || a.title || null, meta, a.type);
}

function quote(a: Appmsg): ContentParts {
  const refer = findElement(a.xml, 'refermsg', a.from, a.to);
  if (refer === null) return contentParts('quote', a.title || null, null, a.type);
  const field = (name: string) => elementText(a.xml, name, refer.inner, refer.innerEnd)?.trim() || null;
  const meta = metaJson({
    quotedText: quotedText(a.xml, findElement(a.xml, 'content', refer.inner, refer.innerEnd)),
    quotedSender: field('chatusr') ?? field('fromusr'),
    quotedName: field('displayname'),
    quotedType: field('type'),
  });
  return contentParts('quote', a.title || null, meta, a.type, field('svrid'));
}

/** The quoted content as text; quoted XML (media, links) gives its title when it has one. */
function quotedText(xml: string, content: XmlSpan | null): string | null {
  if (content === null) return null;
  const start = content.inner + senderPrefixLength(xml, content.inner);
  if (xml.startsWith('&lt;msg', start) || xml.startsWith('&lt;?xml', start)) {
    const title = xml.indexOf('&lt;title&gt;', start);
    const end = title === -1 ? -1 : xml.indexOf('&lt;/title&gt;', title);
    if (end === -1 || end > content.innerEnd) return null;
    return textContent(decodeEntities(xml.slice(title + 13, end))) || null;
  }
  const text = innerText(xml, content);
  if (!text) return null;
  const at = senderPrefixLength(text);
  if (!text.startsWith('<msg', at) && !text.startsWith('<?xml', at)) return text;
  return innerText(text, findElement(text, 'title', at)) || null;
}

function transfer(a: Appmsg): ContentParts {
  const field = a.part('wcpayinfo');
  const meta = metaJson({
    feedesc: field('feedesc'),
    paysubtype: field('paysubtype'),
    transferid: field('transferid'),
    pay_memo: field('pay_memo'),
  });
  return contentParts('transfer', joinText(a.title, a.des), meta, a.type);
}

function redPacket(a: Appmsg): ContentParts {
  return contentParts('red_packet', a.title || null, null, a.type);
}

const APP_TYPES = new Map<string, (a: Appmsg) => ContentParts>([
  ['5', link],
  ['6', file],
  ['19', forward],
  ['33', miniProgram],
  ['36', miniProgram],
  ['51', channels],
  ['57', quote],
  ['2000', transfer],
  ['2001', redPacket],
]);
