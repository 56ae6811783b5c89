import { likelyMeant } from '../spelling.js';
import { EncodeOptionsError } from './options-error.js';

/**
 * The CLI flags whose library option has another name than the flag's camel
 * case: a caller who writes the flag's name is told the option's.
 */
const OPTION_FOR_FLAG: Readonly<Record<string, string>> = {
  time: 'timeLimitSeconds',
  segment: 'segmentSeconds',
  keepMetadata: 'photoMetadata',
  'keep-metadata': 'photoMetadata',
};

/** `keep-metadata` → `keepMetadata`: how yargs (and this check) turn a dashed flag into an option name. */
export function camelCase(name: string): string {
  return name.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());
}

/** What the option meant takes, where a flag's name and its option differ in kind (a switch against data). */
const TAKES: Readonly<Record<string, string>> = { photoMetadata: ' (the blobs to keep, { exif, icc, xmp })' };

/**
 * Refuses an option the encoder does not know (a misspelling such as `stpes`,
 * or a CLI flag's name such as `time`), which it would otherwise ignore without a word: the
 * encode would run without the limit or setting the caller asked for. Keys
 * whose value is undefined are let through: they ask for nothing.
 * @param known every option name of the signal's encoder
 * @throws EncodeOptionsError naming the option, and the one meant where that is clear
 */
export function checkOptionNames(options: object, known: Readonly<Record<string, true>>, signal: 'image' | 'audio'): void {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || Object.hasOwn(known, name)) continue;
    const meant = [OPTION_FOR_FLAG[name], camelCase(name)].find((candidate) => candidate !== undefined && candidate !== name && Object.hasOwn(known, candidate))
      ?? likelyMeant(name, Object.keys(known));
    throw new EncodeOptionsError(`${signal} encoding has no option '${name}'${meant === undefined ? '' : `; did you mean '${meant}'${TAKES[meant] ?? ''}?`}`);
  }
}
