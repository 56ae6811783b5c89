/**
 * The entropy coder of .snf v1 (spec §6): a byte-oriented binary range coder
 * (LZMA-style 32-bit low/range with carry propagation) driven by adaptive
 * binary contexts, with a fresh set of contexts for every tensor.
 *
 * Everything is exact integer arithmetic on values below 2^53, so encoder
 * and decoder are bit-exact in every JavaScript engine, and the code ports
 * directly to a language with 32- and 64-bit unsigned integers. Names here
 * match the pseudo-code of spec §6.
 */
import { wasmStreams, type StreamEnd } from '../kernels/wasm/stream-kernels.js';
import { MAX_TENSOR_BITS, MIN_TENSOR_BITS } from './constants.js';
import { fail } from './errors.js';

// ---------------------------------------------------------------------------
// §6.2 Adaptive binary contexts
// ---------------------------------------------------------------------------

/** Probabilities are fractions of 2^PROB_BITS (§6.2). */
const PROB_BITS = 15;
/** When a context's counts n0 + n1 exceed this, both are halved, rounding up (§6.2). */
const COUNT_LIMIT = 1 << 13;
/** The range is renormalised by one byte whenever it drops below 2^24 (§6.3). */
const RANGE_TOP = 1 << 24;
/** 2^32, as a double: `low` reaching it means a carry into the bytes already out. */
const TWO_32 = 0x1_0000_0000;

/*
 * A context is two counts (n0, n1) of the bits it has seen, stored at
 * counts[2·ctx] and counts[2·ctx + 1]. Its P(bit = 0) in units of 2^-15 is
 * the Krichevsky–Trofimov estimate
 *
 *   p0 = floor((2·n0 + 1) · 2^15 / (2·(n0 + n1) + 2))
 *
 * which, because n0 + n1 ≤ COUNT_LIMIT = 2^13, always lies in [1, 32766].
 * The int32 division `(a / b) | 0` is exact: a < 2^31 and b > 0.
 */

// ---------------------------------------------------------------------------
// §6.3 Range encoder
// ---------------------------------------------------------------------------

/**
 * The value in [low, low + range) that ends a stream (§6.3): the one that is
 * a multiple of the largest of 2^32, 2^24, 2^16, 2^8, 1, so that as many of
 * its last bytes as possible are zero and can be left out.
 */
function finalValue(low: number, range: number): number {
  const top = low + range - 1;
  for (let unit = TWO_32; unit > 1; unit /= 256) {
    const v = Math.ceil(low / unit) * unit;
    if (v <= top) return v;
  }
  return low;
}

/** Binary range encoder; `finish()` returns the bytes. */
export class RangeEncoder {
  /** Low end of the interval; at or past 2^32 it carries into the bytes held back. */
  private low = 0;
  /** Width of the interval: 2^24 ≤ range < 2^32 between calls. */
  private range = 0xffff_ffff;
  /** The last byte that a carry may still change, or −1 before the first byte. */
  private cache = -1;
  /** Number of 0xFF bytes held after `cache` until a carry is decided. */
  private pending = 0;
  private out = new Uint8Array(1024);
  private length = 0;

  /** Codes `bit` with context `ctx` of `counts`, then updates the context (§6.2). */
  encodeBit(counts: Uint16Array, ctx: number, bit: number): void {
    const i = ctx << 1;
    const n0 = counts[i]!;
    const n1 = counts[i + 1]!;
    const p0 = (((2 * n0 + 1) << PROB_BITS) / (2 * (n0 + n1) + 2)) | 0;
    const bound = (this.range >>> PROB_BITS) * p0;
    if (bit === 0) {
      this.range = bound;
      counts[i] = n0 + 1;
    } else {
      this.low += bound;
      this.range -= bound;
      counts[i + 1] = n1 + 1;
    }
    if (n0 + n1 + 1 > COUNT_LIMIT) {
      counts[i] = (counts[i]! + 1) >>> 1;
      counts[i + 1] = (counts[i + 1]! + 1) >>> 1;
    }
    while (this.range < RANGE_TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /** Codes the low `count` bits of `value`, most significant first, each at probability ½ (§6.3). */
  encodeDirect(value: number, count: number): void {
    for (let k = count - 1; k >= 0; k--) {
      this.range = this.range >>> 1;
      if (((value >>> k) & 1) !== 0) this.low += this.range;
      while (this.range < RANGE_TOP) {
        this.range *= 256;
        this.shiftLow();
      }
    }
  }

  /**
   * Ends the stream (§6.3): moves `low` to the value in [low, low + range)
   * with the most trailing zero bytes, flushes, and drops the trailing zero
   * bytes, which the decoder reads back as the implicit zeros past the end.
   */
  finish(): Uint8Array {
    this.low = finalValue(this.low, this.range);
    for (let k = 0; k < 5; k++) this.shiftLow();
    let end = this.length;
    while (end > 0 && this.out[end - 1] === 0) end--;
    return this.out.slice(0, end);
  }

  /** Moves the top byte of `low` out, resolving carries (the LZMA `ShiftLow`). */
  private shiftLow(): void {
    const low = this.low;
    if (low < 0xff00_0000 || low >= TWO_32) {
      const carry = low >= TWO_32 ? 1 : 0;
      if (this.cache >= 0) this.push((this.cache + carry) & 0xff);
      for (; this.pending > 0; this.pending--) this.push((0xff + carry) & 0xff);
      this.cache = (low >>> 24) & 0xff;
    } else {
      this.pending++;
    }
    this.low = (low & 0x00ff_ffff) * 256;
  }

  private push(byte: number): void {
    if (this.length === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = byte;
  }
}

// ---------------------------------------------------------------------------
// §6.4 Range decoder
// ---------------------------------------------------------------------------

/** Binary range decoder over one stream; bytes past its end read as 0 (§6.4). */
export class RangeDecoder {
  private range = 0xffff_ffff;
  /** Stream value minus `low`, over the current 32-bit window; < range for every valid stream. */
  private code = 0;
  /** The encoder's `low`, mirrored, to check the stream's ending (§6.6). */
  private low = 0;
  /** False once the stream is known not to be an encoder's output. */
  private readonly valid: boolean;
  /** Bytes consumed so far, counting the implicit zeros past the end. */
  private position = 0;
  private readonly stream: Uint8Array;

  constructor(stream: Uint8Array) {
    this.stream = stream;
    for (let k = 0; k < 4; k++) this.code = ((this.code << 8) | this.nextByte()) >>> 0;
    // 0xFFFFFFFF is the only start with code ≥ range; no encoder produces it.
    this.valid = this.code < this.range;
  }

  /** Decodes one bit with context `ctx` of `counts`, then updates the context (§6.2). */
  decodeBit(counts: Uint16Array, ctx: number): number {
    const i = ctx << 1;
    const n0 = counts[i]!;
    const n1 = counts[i + 1]!;
    const p0 = (((2 * n0 + 1) << PROB_BITS) / (2 * (n0 + n1) + 2)) | 0;
    const bound = (this.range >>> PROB_BITS) * p0;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      counts[i] = n0 + 1;
      bit = 0;
    } else {
      this.code -= bound;
      this.low += bound;
      this.range -= bound;
      counts[i + 1] = n1 + 1;
      bit = 1;
    }
    if (n0 + n1 + 1 > COUNT_LIMIT) {
      counts[i] = (counts[i]! + 1) >>> 1;
      counts[i + 1] = (counts[i + 1]! + 1) >>> 1;
    }
    while (this.range < RANGE_TOP) this.shift();
    return bit;
  }

  /** Decodes `count` bits coded by `encodeDirect`, most significant first. */
  decodeDirect(count: number): number {
    let value = 0;
    for (let k = 0; k < count; k++) {
      this.range = this.range >>> 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        this.low += this.range;
        bit = 1;
      }
      value = (value << 1) | bit;
      while (this.range < RANGE_TOP) this.shift();
    }
    return value;
  }

  /**
   * Checks that the stream is exactly what the encoder writes for the values
   * decoded (§6.6): it ends with the encoder's final value, has no bytes
   * left unread, and does not end with a zero byte.
   */
  finish(): void {
    checkStreamEnd(this.stream, { valid: this.valid, position: this.position, range: this.range, code: this.code, low: this.low });
  }

  /** Renormalises by one byte, mirroring the encoder's `shiftLow` on `low`. */
  private shift(): void {
    this.range *= 256;
    this.code = ((this.code << 8) | this.nextByte()) >>> 0;
    this.low = (this.low & 0x00ff_ffff) * 256;
  }

  private nextByte(): number {
    const byte = this.stream[this.position] ?? 0;
    this.position++;
    return byte;
  }
}

/**
 * Checks that a stream is exactly what the encoder writes for the values decoded from it (§6.6), from the state
 * its decoder (this module's, or the WASM one) ended in: it ends with the encoder's final value, has no bytes left
 * unread, and does not end with a zero byte.
 * @throws SnfFormatError `BAD_STREAM`.
 */
export function checkStreamEnd(stream: Uint8Array, end: StreamEnd): void {
  if (!end.valid || end.code !== finalValue(end.low, end.range) - end.low) {
    fail('BAD_STREAM', 'coded stream is corrupt (it does not end as an encoder ends it)');
  }
  if (stream.length > end.position) {
    fail('BAD_STREAM', `coded stream has ${stream.length - end.position} unread bytes at its end`);
  }
  if (stream.length > 0 && stream[stream.length - 1] === 0) {
    fail('BAD_STREAM', 'coded stream ends with a zero byte, which encoders leave out');
  }
}

// ---------------------------------------------------------------------------
// §6.5 Tensor model: binarization of one quantized integer
// ---------------------------------------------------------------------------

/** Top suffix bits of a magnitude class coded with adaptive contexts; the rest are direct (§6.5). */
const SUFFIX_ADAPTIVE_BITS = 2;
/** Contexts per class for those bits: the inner nodes of a binary tree over them. */
const SUFFIX_NODES = (1 << SUFFIX_ADAPTIVE_BITS) - 1;

/*
 * Context layout of one tensor's model for bit depth B (§6.5). Magnitudes
 * m = |q| ≥ 1 fall in classes c = floor(log2 m) = 0 … C with C = B − 2.
 *
 *   CTX_ZERO                         q ≠ 0?
 *   CTX_SIGN                         q < 0?
 *   CTX_CLASS + k,  k = 0 … C−1      class > k?  (unary; not coded once k = C)
 *   suffixBase(c) + node,            top min(c, 2) bits of m − 2^c, as a binary
 *     node = 1 … 3                   tree: node = 1, then node = 2·node + bit
 *
 * with suffixBase(c) = CTX_CLASS + C + 3·(c − 1) − 1.
 */
const CTX_ZERO = 0;
const CTX_SIGN = 1;
const CTX_CLASS = 2;

/** Number of contexts of a tensor model for bit depth `bits` (§6.5). */
export function contextCount(bits: number): number {
  const maxClass = bits - 2;
  return CTX_CLASS + maxClass + maxClass * SUFFIX_NODES;
}

/**
 * Codes one integer with the tensor model whose contexts start at context
 * `base` of `counts` (0 for the one model of §6.5; version 4 keeps several
 * models side by side, §6.8).
 */
export function encodeValue(enc: RangeEncoder, counts: Uint16Array, base: number, maxClass: number, q: number): void {
  if (q === 0) {
    enc.encodeBit(counts, base + CTX_ZERO, 0);
    return;
  }
  enc.encodeBit(counts, base + CTX_ZERO, 1);
  enc.encodeBit(counts, base + CTX_SIGN, q < 0 ? 1 : 0);
  const m = q < 0 ? -q : q;
  const c = 31 - Math.clz32(m);
  for (let k = 0; k < maxClass; k++) {
    const more = c > k ? 1 : 0;
    enc.encodeBit(counts, base + CTX_CLASS + k, more);
    if (more === 0) break;
  }
  const offset = m - (1 << c);
  const adaptive = c < SUFFIX_ADAPTIVE_BITS ? c : SUFFIX_ADAPTIVE_BITS;
  const suffixBase = base + CTX_CLASS + maxClass + SUFFIX_NODES * (c - 1) - 1;
  let node = 1;
  for (let j = 0; j < adaptive; j++) {
    const bit = (offset >>> (c - 1 - j)) & 1;
    enc.encodeBit(counts, suffixBase + node, bit);
    node = 2 * node + bit;
  }
  enc.encodeDirect(offset, c - adaptive);
}

/** Decodes one integer coded by `encodeValue` with the same model. */
export function decodeValue(dec: RangeDecoder, counts: Uint16Array, base: number, maxClass: number): number {
  if (dec.decodeBit(counts, base + CTX_ZERO) === 0) return 0;
  const negative = dec.decodeBit(counts, base + CTX_SIGN);
  let c = 0;
  while (c < maxClass && dec.decodeBit(counts, base + CTX_CLASS + c) === 1) c++;
  const adaptive = c < SUFFIX_ADAPTIVE_BITS ? c : SUFFIX_ADAPTIVE_BITS;
  const suffixBase = base + CTX_CLASS + maxClass + SUFFIX_NODES * (c - 1) - 1;
  let node = 1;
  for (let j = 0; j < adaptive; j++) node = 2 * node + dec.decodeBit(counts, suffixBase + node);
  const rest = c - adaptive;
  const offset = ((node - (1 << adaptive)) << rest) | dec.decodeDirect(rest);
  const m = (1 << c) + offset;
  return negative === 1 ? -m : m;
}

// ---------------------------------------------------------------------------
// §6.1 One network's stream
// ---------------------------------------------------------------------------

/** The quantized integers of one tensor and their bit depth (spec §5). */
export interface TensorCode {
  /** Bit depth, 2 … 16. */
  readonly bits: number;
  /** Integers q with |q| ≤ 2^(bits−1) − 1. */
  readonly values: Int32Array;
}

/** What the decoder must know of one tensor: its bit depth and its number of values. */
export interface TensorSpec {
  /** Bit depth, 2 … 16. */
  readonly bits: number;
  /** Number of values, ≥ 0. */
  readonly length: number;
}

export function checkBits(bits: number, t: number): void {
  if (!Number.isInteger(bits) || bits < MIN_TENSOR_BITS || bits > MAX_TENSOR_BITS) {
    fail('INVALID_ARGUMENT', `Expected an integer from ${MIN_TENSOR_BITS} to ${MAX_TENSOR_BITS} for bits of tensor ${t} but received ${String(bits)}`);
  }
}

/**
 * Entropy-codes the tensors of one network into one stream (spec §6.1): one
 * range coder for the whole stream, a fresh model for every tensor. The
 * stream is empty when every value is 0 and short tensors cost little more
 * than their information. Cost: roughly 50–150 ns per value.
 *
 * @throws SnfFormatError `INVALID_ARGUMENT` if a bit depth or a value is out of range.
 */
export function encodeTensors(tensors: readonly TensorCode[]): Uint8Array {
  const enc = new RangeEncoder();
  tensors.forEach((tensor, t) => {
    checkTensor(tensor, t);
    const maxClass = tensor.bits - 2;
    const counts = new Uint16Array(2 * contextCount(tensor.bits));
    const values = tensor.values;
    for (let i = 0; i < values.length; i++) encodeValue(enc, counts, 0, maxClass, values[i]!);
  });
  return enc.finish();
}

/** @throws SnfFormatError `INVALID_ARGUMENT` if the bit depth or a value of tensor `t` is out of range. */
export function checkTensor(tensor: TensorCode, t: number): void {
  checkBits(tensor.bits, t);
  const max = 2 ** (tensor.bits - 1) - 1;
  const values = tensor.values;
  for (let i = 0; i < values.length; i++) {
    const q = values[i]!;
    if (q > max || q < -max) {
      fail('INVALID_ARGUMENT', `Expected integers from ${-max} to ${max} in tensor ${t} (${tensor.bits} bits) but received ${q} at index ${i}`);
    }
  }
}

/**
 * Decodes one network's stream (spec §6.1) into one Int32Array per spec, in
 * order. Whatever `stream` holds, this runs in time linear in the total
 * length and returns values within each tensor's range; bytes past its end
 * read as zero.
 *
 * @throws SnfFormatError `BAD_STREAM` if bytes are left unread or the final state is impossible (§6.6);
 *   `INVALID_ARGUMENT` for a bit depth out of range.
 */
export function decodeTensors(stream: Uint8Array, specs: readonly TensorSpec[]): Int32Array[] {
  specs.forEach((spec, t) => checkBits(spec.bits, t));
  const wasm = wasmStreams();
  if (wasm !== undefined) {
    wasm.begin(stream);
    const out = specs.map((spec) => wasm.tensor(new Uint16Array(2 * contextCount(spec.bits)), spec.length, spec.bits, 1, 1));
    checkStreamEnd(stream, wasm.end());
    return out;
  }
  const dec = new RangeDecoder(stream);
  const out: Int32Array[] = [];
  for (const spec of specs) {
    const maxClass = spec.bits - 2;
    const counts = new Uint16Array(2 * contextCount(spec.bits));
    const values = new Int32Array(spec.length);
    for (let i = 0; i < values.length; i++) values[i] = decodeValue(dec, counts, 0, maxClass);
    out.push(values);
  }
  dec.finish();
  return out;
}

/**
 * Empirical order-0 entropy of `values` in bits: Σ −log2(count(v) / n) over
 * all n values, the size that an ideal static coder would reach if it were
 * given the histogram for free. For reports and tests.
 */
export function entropyBits(values: Int32Array): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= count * Math.log2(count / values.length);
  return bits;
}
