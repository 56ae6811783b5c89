/** `count` and `word`, the word in the plural unless the count is 1: `1 segment`, `3 segments`, `2 entries`. */
export function plural(count: number, word: string, wordPlural = `${word}s`): string {
  return `${count} ${count === 1 ? word : wordPlural}`;
}

/**
 * `text` from a file, safe to print on a terminal: control characters (a line break, an escape sequence that would
 * recolour or move the cursor) are shown as `\xNN`. A header's strings are whatever its writer put there.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
