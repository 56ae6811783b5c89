/**
 * Bounded, strict inflation of raw DEFLATE streams (RFC 1951), for the two places the format stores one: a deflated
 * header (versions 3 to 5, spec §2.2) and the embedded metadata blobs (spec §3.8). Both come from untrusted files.
 *
 * Strict: the spec rejects a stream that is not valid DEFLATE, and "valid" is what zlib accepts. fflate, used here
 * before session 71, accepted stored blocks whose NLEN is not LEN's complement and Huffman codes that do not fill
 * their code space, which zlib refuses; so a second reader built on zlib would have refused files this one read.
 * This inflater makes zlib's checks (test/inflate.test.ts compares the two on random and damaged streams; 60,000
 * damaged ones gave no difference in session 71). Writing it took fflate out of the page's bundle (1 KB gzipped).
 * Bounded: the output is counted as it is made, and a decompression bomb stops as soon as it passes the bound.
 * The decoding is canonical Huffman a bit at a time (as zlib's puff.c): the streams here are at most a few megabytes.
 */

/** What `inflateAtMost` found wrong with a stream. */
export type InflateFailure = { readonly tooLong: true } | { readonly invalid: string };

const MAX_BITS = 15;
/** Length symbols 257 … 285: base lengths and extra bits. */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** Distance symbols 0 … 29. */
const DISTANCE_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists its code-length code's lengths. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

class Invalid extends Error {}
const TOO_LONG = { tooLong: true } as const;

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Code {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

/**
 * The code of `lengths` (0: symbol unused), or a refusal as zlib's inflate_table makes it: an over-subscribed code
 * always; an incomplete one unless `incompleteSingle` and it has one code of 1 bit or none (zlib allows that for the
 * literal/length and distance codes, never for the code-length code).
 */
function codeOf(lengths: ArrayLike<number>, what: string, incompleteSingle: boolean): Code {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let s = 0; s < lengths.length; s++) counts[lengths[s]!]! += 1;
  let longest = 0;
  for (let bits = 1; bits <= MAX_BITS; bits++) if (counts[bits]! > 0) longest = bits;
  counts[0] = 0;
  let left = 1;
  for (let bits = 1; bits <= MAX_BITS; bits++) {
    left = 2 * left - counts[bits]!;
    if (left < 0) throw new Invalid(`invalid ${what} set (over-subscribed)`);
  }
  // zlib takes an incomplete literal/length or distance code only where it is one code of 1 bit, or none at all (a
  // block of literals needs no distances): decoding into its unused space is then an invalid code.
  if (left > 0 && !(incompleteSingle && longest <= 1)) throw new Invalid(`invalid ${what} set (incomplete)`);
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let bits = 1; bits <= MAX_BITS; bits++) offsets[bits + 1] = offsets[bits]! + counts[bits]!;
  const symbols = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]!]!++] = s;
  return { counts, symbols };
}

/** The fixed codes of block type 1 (RFC 1951 §3.2.6). */
let fixedCodes: { literals: Code; distances: Code } | undefined;
function fixed(): { literals: Code; distances: Code } {
  if (fixedCodes === undefined) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    // 288 and 32 symbols fill their codes; 286, 287, 30 and 31 are refused where they are decoded.
    fixedCodes = { literals: codeOf(lengths, 'literal/lengths', false), distances: codeOf(new Uint8Array(32).fill(5), 'distances', false) };
  }
  return fixedCodes;
}

/**
 * Inflates `stream`, or says why not: `tooLong` as soon as the output passes `maxBytes`, `invalid` (the reason, in
 * zlib's words where it has them) for a stream that is not valid DEFLATE or ends before its final block. Bytes after
 * the final block are ignored (spec §2.2, §3.8). Memory: an output buffer of at most `maxBytes` (while it grows, the
 * old one beside it).
 */
export function inflateAtMost(stream: Uint8Array, maxBytes: number): Uint8Array | InflateFailure {
  if (stream.length === 0) return { invalid: 'no bytes' };
  let out = new Uint8Array(Math.min(maxBytes, 4096));
  let length = 0;
  let at = 0;
  let buffer = 0;
  let held = 0;
  const bits = (count: number): number => {
    while (held < count) {
      if (at >= stream.length) throw new Invalid('unexpected end of stream');
      buffer |= stream[at++]! << held;
      held += 8;
    }
    const value = buffer & ((1 << count) - 1);
    buffer >>>= count;
    held -= count;
    return value;
  };
  const room = (more: number): void => {
    const end = length + more;
    if (end > maxBytes) throw TOO_LONG;
    if (end > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(end, 2 * out.length)));
      grown.set(out.subarray(0, length));
      out = grown;
    }
  };
  // Codes are packed from their most significant bit (RFC 1951 §3.1.1), so they are read a bit at a time.
  const decode = (code: Code): number => {
    let value = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      value |= bits(1);
      const count = code.counts[len]!;
      if (value - first < count) return code.symbols[index + value - first]!;
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw new Invalid('invalid code');
  };
  const inflateBlock = (literals: Code, distances: Code): void => {
    for (;;) {
      const symbol = decode(literals);
      if (symbol < 256) {
        room(1);
        out[length++] = symbol;
      } else if (symbol === 256) {
        return;
      } else {
        if (symbol > 285) throw new Invalid('invalid literal/length code');
        const run = LENGTH_BASE[symbol - 257]! + bits(LENGTH_EXTRA[symbol - 257]!);
        const distanceSymbol = decode(distances);
        if (distanceSymbol > 29) throw new Invalid('invalid distance code');
        const distance = DISTANCE_BASE[distanceSymbol]! + bits(DISTANCE_EXTRA[distanceSymbol]!);
        if (distance > length) throw new Invalid('invalid distance too far back');
        room(run);
        for (let i = 0; i < run; i++, length++) out[length] = out[length - distance]!;
      }
    }
  };
  try {
    let last = 0;
    while (last === 0) {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {
        buffer = 0; // a stored block starts at the next byte
        held = 0;
        if (at + 4 > stream.length) throw new Invalid('unexpected end of stream');
        const size = stream[at]! | (stream[at + 1]! << 8);
        const complement = stream[at + 2]! | (stream[at + 3]! << 8);
        if (size !== (~complement & 0xffff)) throw new Invalid('invalid stored block lengths');
        at += 4;
        if (at + size > stream.length) throw new Invalid('unexpected end of stream');
        room(size);
        out.set(stream.subarray(at, at + size), length);
        length += size;
        at += size;
      } else if (type === 1) {
        const { literals, distances } = fixed();
        inflateBlock(literals, distances);
      } else if (type === 2) {
        const literalCount = bits(5) + 257;
        const distanceCount = bits(5) + 1;
        const codeLengthCount = bits(4) + 4;
        if (literalCount > 286 || distanceCount > 30) throw new Invalid('too many length or distance symbols');
        const codeLengths = new Uint8Array(19);
        for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = bits(3);
        const lengthCode = codeOf(codeLengths, 'code lengths', false);
        const lengths = new Uint8Array(literalCount + distanceCount);
        for (let i = 0; i < lengths.length;) {
          const symbol = decode(lengthCode);
          if (symbol < 16) {
            lengths[i++] = symbol;
            continue;
          }
          let repeat: number;
          let value = 0;
          if (symbol === 16) {
            if (i === 0) throw new Invalid('invalid bit length repeat');
            value = lengths[i - 1]!;
            repeat = 3 + bits(2);
          } else {
            repeat = symbol === 17 ? 3 + bits(3) : 11 + bits(7);
          }
          if (i + repeat > lengths.length) throw new Invalid('invalid bit length repeat');
          lengths.fill(value, i, i + repeat);
          i += repeat;
        }
        if (lengths[256] === 0) throw new Invalid('invalid code -- missing end-of-block');
        inflateBlock(codeOf(lengths.subarray(0, literalCount), 'literal/lengths', true), codeOf(lengths.subarray(literalCount), 'distances', true));
      } else {
        throw new Invalid('invalid block type');
      }
    }
  } catch (error) {
    if (error === TOO_LONG) return TOO_LONG;
    if (error instanceof Invalid) return { invalid: error.message };
    throw error;
  }
  return out.subarray(0, length);
}
