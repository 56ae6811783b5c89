/**
 * CRC-32 as in IEEE 802.3, zlib and PNG (spec §2.4): reflected polynomial
 * 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF.
 * crc32(ASCII "123456789") = 0xCBF43926.
 */

/**
 * CRC of every byte value: 256 × 32 bits, built once at module load. Signed, so that every value in the loop below
 * is a 32-bit integer: V8 boxes an unsigned one above 2³¹ as a heap number while the loop is still cold, and a
 * decode runs it once, on its PNG's 0.5 MB.
 */
const TABLE = /*#__PURE__*/ (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, as an unsigned 32-bit integer. To checksum data in
 * pieces, pass the previous result as `crc`: crc32(b, crc32(a)) = crc32(a ++ b).
 * Cost: one table look-up per byte.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = crc ^ 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
