/**
 * The MessagePack subset of the .snf header (spec §3.1).
 *
 * Both directions are implemented here rather than with msgpackr:
 *
 * - Reading: the header is hostile input, and even with `useRecords: false`
 *   msgpackr's unpacker honours in-stream record definitions (ext 0x72,
 *   which turn plain integers into objects and compile readers with
 *   `new Function`), returns BigInt, Date and other extension objects, and
 *   consults a process-wide extension registry. The parser below knows only
 *   nil, booleans, integers, floats, strings, binary, arrays and maps with
 *   string keys; it never allocates more than the input's length justifies
 *   and never nests deeper than MAX_HEADER_NESTING.
 * - Writing: the canonical form of spec §3.1 (shortest integers, float32
 *   where exact, float64 always for `Float64`) is smaller than msgpackr's
 *   float64 numbers, gives `train.psnr` a size independent of its value,
 *   and keeps files byte-identical whatever msgpackr version is installed.
 *
 * The tests check both against msgpackr in each direction.
 */
import { MAX_HEADER_NESTING } from './constants.js';
import { describe, fail } from './errors.js';

/** A value the header parser can return. Maps are plain objects with string keys. */
export type HeaderValue = null | boolean | number | string | Uint8Array | HeaderValue[] | { [key: string]: HeaderValue };

/**
 * A number that `encodeHeaderValue` always writes as float 64, whatever its
 * value (spec §3.1: `train.psnr`), so that its encoded size does not depend
 * on it. It reads back as a plain number.
 */
export class Float64 {
  constructor(readonly value: number) {}
}

/** What `encodeHeaderValue` takes: a `HeaderValue` in which numbers may be wrapped in `Float64`. */
export type WritableValue = HeaderValue | Float64 | WritableValue[] | { [key: string]: WritableValue };

const utf8Encoder = /*#__PURE__*/ new TextEncoder();

/**
 * Encodes `value` in the canonical form of spec §3.1: integers in their
 * shortest encoding, other numbers as float32 when that is exact and as
 * float64 otherwise (always float64 for a `Float64`), maps in insertion order.
 * @throws SnfFormatError `INVALID_ARGUMENT` for a value outside `HeaderValue`
 *   (undefined, functions, class instances, …).
 */
export function encodeHeaderValue(value: WritableValue): Uint8Array {
  const writer = new Writer();
  writer.value(value, 'header', 0);
  return writer.bytes();
}

class Writer {
  private out = new Uint8Array(256);
  private view = new DataView(this.out.buffer);
  private length = 0;

  bytes(): Uint8Array {
    return this.out.slice(0, this.length);
  }

  value(value: unknown, path: string, depth: number): void {
    if (depth > MAX_HEADER_NESTING) fail('INVALID_ARGUMENT', `${path} is nested deeper than ${MAX_HEADER_NESTING} levels`);
    if (value === null) return this.u8(0xc0);
    if (value === false) return this.u8(0xc2);
    if (value === true) return this.u8(0xc3);
    if (typeof value === 'number') return this.number(value);
    if (value instanceof Float64) {
      if (typeof value.value !== 'number') fail('INVALID_ARGUMENT', `Expected a number for ${path} but received ${describe(value.value)}`);
      this.u8(0xcb);
      return this.reserve(8).setFloat64(this.length - 8, value.value);
    }
    if (typeof value === 'string') {
      if (value.length <= 32 && /^[\x00-\x7f]*$/.test(value)) {
        this.head(value.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
        this.reserve(value.length);
        const at = this.length - value.length;
        for (let i = 0; i < value.length; i++) this.out[at + i] = value.charCodeAt(i);
        return;
      }
      const bytes = utf8Encoder.encode(value);
      this.head(bytes.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
      return this.raw(bytes);
    }
    if (value instanceof Uint8Array) {
      this.head(value.length, -1, -1, 0xc4, 0xc5, 0xc6);
      return this.raw(value);
    }
    if (Array.isArray(value)) {
      this.head(value.length, 0x90, 15, -1, 0xdc, 0xdd);
      value.forEach((item, i) => this.value(item, `${path}[${i}]`, depth + 1));
      return;
    }
    if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const entries = Object.entries(value);
      this.head(entries.length, 0x80, 15, -1, 0xde, 0xdf);
      for (const [key, item] of entries) {
        if (item === undefined) fail('INVALID_ARGUMENT', `${path}.${key} is undefined; leave the key out instead`);
        this.value(key, path, depth + 1);
        this.value(item, `${path}.${key}`, depth + 1);
      }
      return;
    }
    fail('INVALID_ARGUMENT', `Expected null, a boolean, number, string, Uint8Array, array or plain object for ${path} but received ${describe(value)}`);
  }

  private number(v: number): void {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      if (v >= 0) {
        if (v <= 0x7f) return this.u8(v);
        if (v <= 0xff) return this.u8(0xcc), this.u8(v);
        if (v <= 0xffff) return this.u8(0xcd), this.reserve(2).setUint16(this.length - 2, v);
        if (v <= 0xffff_ffff) return this.u8(0xce), this.reserve(4).setUint32(this.length - 4, v);
        return this.u8(0xcf), this.reserve(8).setBigUint64(this.length - 8, BigInt(v));
      }
      if (v >= -32) return this.u8(v + 0x100);
      if (v >= -0x80) return this.u8(0xd0), this.reserve(1).setInt8(this.length - 1, v);
      if (v >= -0x8000) return this.u8(0xd1), this.reserve(2).setInt16(this.length - 2, v);
      if (v >= -0x8000_0000) return this.u8(0xd2), this.reserve(4).setInt32(this.length - 4, v);
      return this.u8(0xd3), this.reserve(8).setBigInt64(this.length - 8, BigInt(v));
    }
    if (Object.is(Math.fround(v), v) || Number.isNaN(v)) return this.u8(0xca), this.reserve(4).setFloat32(this.length - 4, v);
    this.u8(0xcb);
    this.reserve(8).setFloat64(this.length - 8, v);
  }

  /** Writes the type byte and length of a str, bin, array or map (−1: form not available). */
  private head(n: number, fix: number, fixMax: number, t8: number, t16: number, t32: number): void {
    if (n <= fixMax) return this.u8(fix + n);
    if (n <= 0xff && t8 >= 0) return this.u8(t8), this.u8(n);
    if (n <= 0xffff) return this.u8(t16), this.reserve(2).setUint16(this.length - 2, n);
    this.u8(t32);
    this.reserve(4).setUint32(this.length - 4, n);
  }

  private u8(byte: number): void {
    this.reserve(1);
    this.out[this.length - 1] = byte;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.out.set(bytes, this.length - bytes.length);
  }

  /** Grows the buffer for `n` more bytes, advances the length, and returns the view. */
  private reserve(n: number): DataView {
    if (this.length + n > this.out.length) {
      const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + n));
      grown.set(this.out);
      this.out = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length += n;
    return this.view;
  }
}

const utf8 = /*#__PURE__*/ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses `bytes` as exactly one MessagePack value of the header subset
 * (spec §3.1).
 * @throws SnfFormatError `BAD_HEADER` for anything else, with the byte offset.
 */
export function decodeHeaderValue(bytes: Uint8Array): HeaderValue {
  const reader = new StrictReader(bytes);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) fail('BAD_HEADER', `bad header: ${bytes.length - reader.pos} bytes after the MessagePack map`);
  return value;
}

class StrictReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(depth: number): HeaderValue {
    if (depth > MAX_HEADER_NESTING) this.bad(`nested deeper than ${MAX_HEADER_NESTING} levels`);
    const at = this.pos;
    const token = this.u8();
    if (token <= 0x7f) return token;
    if (token >= 0xe0) return token - 0x100;
    if (token <= 0x8f) return this.map(token & 0x0f, depth);
    if (token <= 0x9f) return this.array(token & 0x0f, depth);
    if (token <= 0xbf) return this.str(token & 0x1f);
    switch (token) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return this.bin(this.u8());
      case 0xc5: return this.bin(this.u16());
      case 0xc6: return this.bin(this.u32());
      case 0xca: return this.view.getFloat32(this.take(4), false);
      case 0xcb: return this.view.getFloat64(this.take(8), false);
      case 0xcc: return this.u8();
      case 0xcd: return this.u16();
      case 0xce: return this.u32();
      case 0xcf: return this.int64(false, at);
      case 0xd0: return this.view.getInt8(this.take(1));
      case 0xd1: return this.view.getInt16(this.take(2), false);
      case 0xd2: return this.view.getInt32(this.take(4), false);
      case 0xd3: return this.int64(true, at);
      case 0xd9: return this.str(this.u8());
      case 0xda: return this.str(this.u16());
      case 0xdb: return this.str(this.u32());
      case 0xdc: return this.array(this.u16(), depth);
      case 0xdd: return this.array(this.u32(), depth);
      case 0xde: return this.map(this.u16(), depth);
      case 0xdf: return this.map(this.u32(), depth);
      default:
        // 0xc1 (never used) and the extension types 0xc7–0xc9, 0xd4–0xd8.
        return this.bad(`MessagePack type 0x${token.toString(16)} at byte ${at} is not allowed`);
    }
  }

  private map(count: number, depth: number): { [key: string]: HeaderValue } {
    // Every entry takes at least 2 bytes: refuse counts the input cannot hold before looping.
    if (count * 2 > this.bytes.length - this.pos) this.bad(`map of ${count} entries at byte ${this.pos} runs past the end`);
    const object: { [key: string]: HeaderValue } = {};
    for (let i = 0; i < count; i++) {
      const at = this.pos;
      const key = this.value(depth + 1);
      if (typeof key !== 'string') this.bad(`map key at byte ${at} is ${describe(key)}, not a string`);
      if (Object.prototype.hasOwnProperty.call(object, key)) this.bad(`duplicate map key ${JSON.stringify(key)} at byte ${at}`);
      const value = this.value(depth + 1);
      // A key named "__proto__" must stay a plain key: assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    }
    return object;
  }

  private array(count: number, depth: number): HeaderValue[] {
    if (count > this.bytes.length - this.pos) this.bad(`array of ${count} items at byte ${this.pos} runs past the end`);
    const array: HeaderValue[] = [];
    for (let i = 0; i < count; i++) array.push(this.value(depth + 1));
    return array;
  }

  private str(length: number): string {
    const start = this.take(length);
    if (length <= 32) {
      // Short ASCII strings (every key) without the TextDecoder call.
      let text = '';
      let i = start;
      for (; i < start + length; i++) {
        const byte = this.bytes[i]!;
        if (byte >= 0x80) break;
        text += String.fromCharCode(byte);
      }
      if (i === start + length) return text;
    }
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch {
      return this.bad(`string at byte ${start} is not valid UTF-8`);
    }
  }

  private bin(length: number): Uint8Array {
    const start = this.take(length);
    return this.bytes.slice(start, start + length);
  }

  private int64(signed: boolean, at: number): number {
    const offset = this.take(8);
    const value = signed ? this.view.getBigInt64(offset, false) : this.view.getBigUint64(offset, false);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      this.bad(`64-bit integer at byte ${at} is outside ±(2^53 − 1)`);
    }
    return Number(value);
  }

  private u8(): number {
    return this.bytes[this.take(1)]!;
  }

  private u16(): number {
    return this.view.getUint16(this.take(2), false);
  }

  private u32(): number {
    return this.view.getUint32(this.take(4), false);
  }

  /** Reserves `length` bytes and returns their offset. */
  private take(length: number): number {
    const start = this.pos;
    if (length > this.bytes.length - start) this.bad(`MessagePack data ends early at byte ${start}`);
    this.pos = start + length;
    return start;
  }

  private bad(detail: string): never {
    return fail('BAD_HEADER', `bad header: ${detail}`);
  }
}
