/** Terminal columns taken by text: CJK and other wide characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    width +=
      cp >= 0x1100 &&
      /\p{scx=Han}|\p{scx=Hangul}|\p{scx=Hiragana}|\p{scx=Katakana}|\p{Emoji_Presentation}/u.test(ch)
        ? 2
        : 1;
  }
  return width;
}
