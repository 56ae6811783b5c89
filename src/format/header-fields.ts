/**
 * Field checks of the header validators (spec §3): each returns the value
 * typed or throws `SnfFormatError` with a one-line message that names the
 * field (`path`) and what was expected.
 */
import { describe, fail, type SnfErrorCode } from './errors.js';
import type { HeaderValue } from './msgpack.js';

export type HeaderMap = { readonly [key: string]: HeaderValue };

export function isMap(value: HeaderValue | undefined): value is HeaderMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function bad(path: string, expected: string, value: unknown, code: SnfErrorCode = 'BAD_HEADER'): never {
  return fail(code, `bad header: expected ${expected} for ${path} but received ${describe(value)}`);
}

export function map(value: HeaderValue | undefined, path: string): HeaderMap {
  if (!isMap(value)) bad(path, 'a map', value);
  return value;
}

export function array(value: HeaderValue | undefined, path: string): readonly HeaderValue[] {
  if (!Array.isArray(value)) bad(path, 'an array', value);
  return value;
}

/** An integer from `min` to `max`; a value over `limit` (if given) is LIMIT_EXCEEDED rather than BAD_HEADER. */
export function int(value: HeaderValue | undefined, path: string, min: number, max: number, limit?: { max: number; name: string }): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) bad(path, `an integer from ${min} to ${limit?.max ?? max}`, value);
  if (limit !== undefined && value > limit.max && value >= min) {
    fail('LIMIT_EXCEEDED', `${path} is ${value}, over the limit ${limit.name} = ${limit.max}`);
  }
  if (value < min || value > max) bad(path, `an integer from ${min} to ${Math.min(max, limit?.max ?? max)}`, value);
  return value;
}

export function finite(value: HeaderValue | undefined, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(path, 'a finite number', value);
  return value;
}

/** A string from `allowed`; another string is UNSUPPORTED_FEATURE (a later version may define it). */
export function oneOf<T extends string>(value: HeaderValue | undefined, path: string, allowed: readonly T[]): T {
  const expected = allowed.map((a) => `'${a}'`).join(' or ');
  if (typeof value !== 'string') bad(path, `a string (${expected})`, value);
  if (!(allowed as readonly string[]).includes(value)) {
    fail('UNSUPPORTED_FEATURE', `${path} ${JSON.stringify(value)} is not supported by this reader (expected ${expected})`);
  }
  return value as T;
}
