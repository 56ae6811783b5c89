/** `count` and `word`, the word in the plural unless the count is 1: `1 segment`, `3 segments`, `2 entries`. */
export function plural(count: number, word: string, wordPlural = `${word}s`): string {
  return `${count} ${count === 1 ? word : wordPlural}`;
}
