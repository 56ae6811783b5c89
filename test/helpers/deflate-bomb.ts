/** A DEFLATE bomb for the tests of the format's two inflaters (spec §2.2 headers, §3.8 metadata). */

/**
 * A raw DEFLATE stream (RFC 1951 §3.2.6, one fixed-Huffman block) of one
 * literal 0 and `copies` matches of length 258 at distance 1: 13 bits that
 * inflate to 258 bytes each, about 1:160.
 */
export function deflateBomb(copies: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((3 + 8 + 13 * copies + 7) / 8) + 1);
  let bit = 0;
  const put = (value: number, count: number): void => { // LSB first
    for (let i = 0; i < count; i++, bit++) if ((value >> i) & 1) out[bit >> 3]! |= 1 << (bit & 7);
  };
  const code = (value: number, length: number): void => { // Huffman codes MSB first
    for (let i = length - 1; i >= 0; i--, bit++) if ((value >> i) & 1) out[bit >> 3]! |= 1 << (bit & 7);
  };
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE 01: fixed Huffman
  code(0x30, 8); // literal 0
  for (let i = 0; i < copies; i++) {
    code(0xc5, 8); // length symbol 285: 258 bytes
    code(0, 5); // distance symbol 0: 1
  }
  code(0, 7); // end of block
  return out.subarray(0, Math.ceil(bit / 8));
}
