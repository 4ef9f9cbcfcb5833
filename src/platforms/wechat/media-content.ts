import { type ContentParts, contentParts, unreadable } from './content-parts.js';
import { metaJson, num } from './meta-json.js';
import { attr, rootElement, startTag, type XmlSpan } from './xml-fields.js';

/** The start tag of the `<msg><name …>` element of a media message, or null when the XML is unreadable. */
function mediaElement(xml: string, name: string): XmlSpan | null {
  const root = rootElement(xml);
  return root === null ? null : startTag(xml, name, root.inner, root.innerEnd);
}

export function imageParts(xml: string): ContentParts {
  const img = mediaElement(xml, 'img');
  if (img === null) return unreadable();
  const meta = metaJson({
    md5: attr(xml, img, 'md5'),
    length: num(attr(xml, img, 'length')),
    width: num(attr(xml, img, 'width')),
    height: num(attr(xml, img, 'height')),
  });
  return contentParts('image', null, meta);
}

export function voiceParts(xml: string): ContentParts {
  const voice = mediaElement(xml, 'voicemsg');
  if (voice === null) return unreadable();
  const meta = metaJson({
    voicelength: num(attr(xml, voice, 'voicelength')),
    length: num(attr(xml, voice, 'length')),
  });
  return contentParts('voice', null, meta);
}

export function videoParts(xml: string): ContentParts {
  const video = mediaElement(xml, 'videomsg');
  if (video === null) return unreadable();
  const meta = metaJson({
    playlength: num(attr(xml, video, 'playlength')),
    length: num(attr(xml, video, 'length')),
    md5: attr(xml, video, 'md5'),
  });
  return contentParts('video', null, meta);
}

export function emojiParts(xml: string): ContentParts {
  const emoji = mediaElement(xml, 'emoji');
  if (emoji === null) return unreadable();
  const meta = metaJson({
    md5: attr(xml, emoji, 'md5'),
    len: num(attr(xml, emoji, 'len')),
    cdnurl: attr(xml, emoji, 'cdnurl'),
  });
  return contentParts('emoji', null, meta);
}

export function locationParts(xml: string): ContentParts {
  const loc = mediaElement(xml, 'location');
  if (loc === null) return unreadable();
  const label = attr(xml, loc, 'label');
  const poiname = attr(xml, loc, 'poiname');
  const meta = metaJson({ x: num(attr(xml, loc, 'x')), y: num(attr(xml, loc, 'y')), label, poiname });
  return contentParts('location', poiname || label || null, meta);
}

export function friendRequestParts(xml: string): ContentParts {
  const root = rootElement(xml);
  if (root === null || root.name !== 'msg') return unreadable();
  const meta = metaJson({
    fromusername: attr(xml, root, 'fromusername'),
    fromnickname: attr(xml, root, 'fromnickname'),
    scene: num(attr(xml, root, 'scene')),
  });
  return contentParts('friend_request', attr(xml, root, 'content') || null, meta);
}

export function contactCardParts(xml: string): ContentParts {
  const root = rootElement(xml);
  if (root === null || root.name !== 'msg') return unreadable();
  const meta = metaJson({ username: attr(xml, root, 'username'), alias: attr(xml, root, 'alias') });
  return contentParts('contact_card', attr(xml, root, 'nickname') || null, meta);
}
