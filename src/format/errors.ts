/**
 * The one error type of `src/format` (spec §9). Callers branch on `code`,
 * never on message text; messages are one user-facing line.
 */
import { likelyMeant } from '../spelling.js';

/** Every error code `SnfFormatError` can carry, with what it means. */
export const SNF_ERROR_CODES = {
  /** The first 8 bytes are not the .snf magic (§2.1). */
  BAD_MAGIC: 'not an .snf file',
  /** The major version is not 1 to 5 (§2.2). */
  UNSUPPORTED_VERSION: 'unsupported .snf version',
  /** The CRC-32 of the file does not match its last 4 bytes (§2.4). */
  CHECKSUM_MISMATCH: 'checksum mismatch',
  /** The file ends before its magic or a length field says it should (§2.1, §2.3). */
  TRUNCATED: 'file is truncated',
  /** Lengths disagree: trailing bytes, or stream sizes that do not sum to the payload (§2.3, §3.4). */
  SIZE_MISMATCH: 'size mismatch',
  /** The header is not valid MessagePack or a field has a wrong type or range (§3). */
  BAD_HEADER: 'bad header',
  /** A coded stream is inconsistent with its tensors (§6.6). */
  BAD_STREAM: 'bad coded stream',
  /** A value is over one of the reader's limits (§8). */
  LIMIT_EXCEEDED: 'limit exceeded',
  /** A well-formed value that this reader does not implement (§3.6). */
  UNSUPPORTED_FEATURE: 'unsupported feature',
  /** An API caller (usually a writer) passed invalid data. */
  INVALID_ARGUMENT: 'invalid argument',
} as const;

export type SnfErrorCode = keyof typeof SNF_ERROR_CODES;

/**
 * Thrown by every reader, writer and coder function of `src/format` for
 * any problem with the data. Any other exception type is a bug.
 */
export class SnfFormatError extends Error {
  /** One of the keys of `SNF_ERROR_CODES`. */
  readonly code: SnfErrorCode;

  constructor(code: SnfErrorCode, message: string) {
    super(message);
    this.name = 'SnfFormatError';
    this.code = code;
  }
}

/** Throws a `SnfFormatError` with `code` and a one-line `message`. */
export function fail(code: SnfErrorCode, message: string): never {
  throw new SnfFormatError(code, message);
}

/** A short, one-line rendering of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `${JSON.stringify(shown)} of type string`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${String(value)} of type ${typeof value}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value instanceof Uint8Array) return `binary data of ${value.length} bytes`;
  return `a value of type ${typeof value}`;
}

/**
 * Refuses an argument object of the reader's or the decoders' API that is not an object, or has a key they do not
 * read (`{ sclae: 2 }`, the CLI's `rate` for `sampleRate`): ignored, it would decode at the default without a word,
 * where the encoders refuse an unknown option. `what` names the argument; `meant` maps likely slips to the key.
 */
export function checkKeys(value: unknown, what: string, known: readonly string[], meant: Readonly<Record<string, string>> = {}): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') fail('INVALID_ARGUMENT', `Expected an object for ${what} but received ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const guess = meant[key] ?? likelyMeant(key, known);
    fail('INVALID_ARGUMENT', `${what} has no key '${key}' (it takes ${known.join(', ')})${guess === undefined ? '' : `; did you mean ${guess}?`}`);
  }
}
