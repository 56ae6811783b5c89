import { usageError } from '../node/errors.js';

/**
 * Checks for flag values, in the style of sharp's `is` helpers: each failure
 * names the flag as the user typed it and the value received.
 */
function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** A decimal number as people write one (`2`, `0.5`, `.5`, `1e-3`); Number() alone would also take `0x10`, `0b1`, `Infinity`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** `value` as a number: a number as it is, a decimal string as its value, anything else NaN. */
function decimal(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : NaN;
}

/** A finite number in [min, max]. */
export function numberIn(flag: string, value: unknown, min: number, max: number): number {
  const n = decimal(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw usageError(`Expected a number from ${min} to ${max} for --${flag} but received ${describe(value)}`);
  }
  return n;
}

/** A finite number ≥ 0, without an upper bound to state (a time in a clip: past its end is the caller's message). */
export function nonNegativeNumber(flag: string, value: unknown): number {
  const n = decimal(value);
  if (!Number.isFinite(n) || n < 0) throw usageError(`Expected a number ≥ 0 for --${flag} but received ${describe(value)}`);
  return n;
}

/** A finite number > min (exclusive) and ≤ max. */
export function positiveNumber(flag: string, value: unknown, max: number): number {
  const n = decimal(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw usageError(`Expected a number above 0 and at most ${max} for --${flag} but received ${describe(value)}`);
  }
  return n;
}

/** An integer in [min, max]. */
export function integerIn(flag: string, value: unknown, min: number, max: number): number {
  const n = numberIn(flag, value, min, max);
  if (!Number.isInteger(n)) throw usageError(`Expected a whole number from ${min} to ${max} for --${flag} but received ${describe(value)}`);
  return n;
}

/** `WxH` with both parts whole numbers in [1, max]. */
export function sizeFlag(flag: string, value: unknown, max: number): { width: number; height: number } {
  const match = typeof value === 'string' ? /^(\d+)x(\d+)$/i.exec(value.trim()) : null;
  const width = match ? Number(match[1]) : NaN;
  const height = match ? Number(match[2]) : NaN;
  if (!match || width < 1 || height < 1 || width > max || height > max) {
    throw usageError(`Expected WIDTHxHEIGHT with whole numbers from 1 to ${max} for --${flag} but received ${describe(value)}`);
  }
  return { width, height };
}

/** One of `choices`. */
export function oneOf<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw usageError(`Expected one of ${choices.join(', ')} for --${flag} but received ${describe(value)}`);
  }
  return value as T;
}

/** `redis://HOST:PORT[/DB]` (or rediss:// for TLS), returned as given. */
export function queueUrl(flag: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '' || !/^(\/\d*)?$/.test(url.pathname)) {
    throw usageError(`Expected redis://HOST:PORT[/DB] for --${flag} but received ${describe(value)}`);
  }
  return String(value);
}

/**
 * An input file argument as the user gave it, `-` standing for standard input. yargs hands a lone `-` over as ''
 * where it fills a positional (it parses positionals again as `--input -`). No file is named '', so an empty input
 * on a command line that holds a lone `-` and no empty argument is that `-`.
 */
export function inputArgument(value: unknown, commandLine: readonly string[] = process.argv.slice(2)): string {
  const text = String(value);
  return text === '' && commandLine.includes('-') && !commandLine.includes('') ? '-' : text;
}

/**
 * The `-o` file, `-` for standard output (yargs passes `-o -`, `-o=-`, `--output=-` and, joined by
 * joinDashValues, `--output -` as `-`); undefined when absent. An empty or repeated `-o` is a usage error.
 */
export function outputArgument(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw usageError('give -o (--output) once');
  if (value === '') throw usageError('-o (--output) needs a file name, or - for standard output');
  return value;
}

/**
 * The command line with values that start with a dash joined to their long flag: `--output -` as `--output=-`, the
 * form in which yargs passes the `-` on (see outputArgument), and `--size -5x5` as `--size=-5x5`, which yargs would
 * otherwise split into the short flags -5 and -x and report as unknown arguments, where the flag's own check says
 * what is wrong with the value. (yargs itself takes `--bpp -1` as the number.)
 */
export function joinDashValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const isLongFlag = arg.startsWith('--') && arg.length > 2 && !arg.includes('=');
    if (isLongFlag && next !== undefined && ((arg === '--output' && next === '-') || /^-[\d.]/.test(next))) joined.push(`${arg}=${args[++i]}`);
    else joined.push(arg);
  }
  return joined;
}

/**
 * A folder flag (`--out`): its name as given, `fallback` when absent. An empty name is a usage error, as an empty
 * `-o` is; a repeated flag never gets here (main.ts refuses it).
 */
export function folderArgument(flag: string, value: unknown, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw usageError(`--${flag} needs a folder name`);
  return value;
}

/**
 * The files and folders a command takes in a list (`snfc batch <inputs..>`), as strings. Such a command reads
 * named files only: a `-` among them, which yargs drops from the list, is refused with a usage error rather than
 * skipped (or, alone, reported as "no images in ''"). A `-` right after a flag is that flag's value.
 */
export function fileListArgument(value: unknown, command: string, commandLine: readonly string[] = process.argv.slice(2)): string[] {
  const inputs = (Array.isArray(value) ? value : [value]).map(String);
  const dash = commandLine.some((arg, i) => arg === '-' && (i === 0 || !commandLine[i - 1]!.startsWith('-')));
  if (dash || inputs.length === 0 || inputs.includes('')) throw usageError(`${command} reads files and folders, not standard input ('-')`);
  return inputs;
}
