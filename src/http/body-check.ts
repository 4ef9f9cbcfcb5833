import { ChatlakeError } from '../core/errors.js';

/** JSON nested deeper than this (objects and arrays) is refused: nothing the API stores needs more. */
export const MAX_JSON_DEPTH = 64;

/**
 * What a parsed request body must be before validation, beyond its schema: nested at most MAX_JSON_DEPTH
 * deep (deeper JSON parses, but serializing it again overflows the stack), and text that is valid Unicode
 * (an unpaired UTF-16 surrogate such as "\ud800" cannot be stored as UTF-8: it would come back as U+FFFD).
 * Walks iteratively; binary bodies (attachments) are not looked at.
 */
export function checkJsonBody(body: unknown): void {
  if (typeof body === 'string') {
    if (!wellFormed(body)) throw unpaired();
    return;
  }
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return;
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      throw new ChatlakeError(
        'invalid_argument',
        `the body is nested more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
    for (const [key, child] of Object.entries(value as object)) {
      if (!wellFormed(key)) throw unpaired();
      if (typeof child === 'string') {
        if (!wellFormed(child)) throw unpaired();
      } else if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}

/** In a `u` regex a surrogate pair is one code point: only an unpaired half is in the Surrogate category. */
const UNPAIRED = /\p{Surrogate}/u;
const wellFormed = (s: string) => !UNPAIRED.test(s);

const unpaired = () =>
  new ChatlakeError(
    'invalid_argument',
    'the body holds text with an unpaired UTF-16 surrogate (e.g. "\\ud800"), which is not valid Unicode',
  );
