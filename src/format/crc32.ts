/**
 * CRC-32 as in IEEE 802.3, zlib and PNG (spec §2.4): reflected polynomial
 * 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF.
 * crc32(ASCII "123456789") = 0xCBF43926.
 */

/** CRC of every byte value: 256 × u32, built once at module load. */
const TABLE = /*#__PURE__*/ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, as an unsigned 32-bit integer. To checksum data in
 * pieces, pass the previous result as `crc`: crc32(b, crc32(a)) = crc32(a ++ b).
 * Cost: one table look-up per byte.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
