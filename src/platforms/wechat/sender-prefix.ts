const MAX_ID = 80;

function isIdChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    c === 45 ||
    c === 64 ||
    c === 46
  );
}

/** Length of a `<sender-id>:\n` at `from` (raw group protocol content), 0 when there is none. */
export function senderPrefixLength(content: string, from = 0): number {
  const limit = Math.min(content.length, from + MAX_ID);
  let i = from;
  while (i < limit && isIdChar(content.charCodeAt(i))) i++;
  return i > from && content.charCodeAt(i) === 58 && content.charCodeAt(i + 1) === 10 ? i + 2 - from : 0;
}
