#!/usr/bin/env node
// Builds the rejected-file vectors in fixtures/invalid/ (run `npm run build` first): each breaks one rule of
// spec/snf-format.md in a valid fixture, with every other field (the CRC-32 included) kept right, so that the
// reader's one refusal is the rule's. fixtures/invalid/expected.json names the error code each must get;
// test/invalid-fixtures.test.ts checks the reader and `snfc info` against it.
//   node scripts/make-invalid-fixtures.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { crc32 } from '../dist/src/format/index.js';
import { decodeHeaderValue, encodeHeaderValue } from '../dist/src/format/msgpack.js';
// The container's fields, split and assembled with a right CRC-32, as the tests craft files (test/helpers/snf-bytes.ts).
import { assemble, split } from '../dist/test/helpers/snf-bytes.js';

/** `bytes` with its CRC-32 made right again after an edit of a byte that `assemble` would write itself (the magic). */
function resealed(bytes) {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const image = new Uint8Array(readFileSync('fixtures/kodim-crop32.snf')); // 1.0, one network
const audio = new Uint8Array(readFileSync('fixtures/bach-excerpt.snf')); // 2.1, four blended segments

/** A version 1 or 2 file (a raw MessagePack header) with `change` made to its header, and to its parts (the payload). */
function edit(bytes, change) {
  const parts = split(bytes);
  const header = structuredClone(decodeHeaderValue(parts.header));
  change(header, parts);
  return assemble({ ...parts, header: encodeHeaderValue(header) });
}

/** A version 3–5 file with its header stored (DEFLATE block type 0) whose NLEN is not LEN's complement. */
function badStoredHeader(bytes) {
  const parts = split(bytes);
  const map = new Uint8Array(inflateRawSync(parts.header));
  const stored = new Uint8Array(5 + map.length);
  stored.set([0x01, map.length & 0xff, map.length >> 8, 0x00, 0x00]); // final stored block; NLEN should be ~LEN
  stored.set(map, 5);
  return assemble({ ...parts, header: stored });
}

const vectors = {
  'bad-magic.snf': ['BAD_MAGIC', '§2.1', 'the magic\'s "S" is an "X"', () => { const b = image.slice(); b[1] = 0x58; return resealed(b); }],
  'version-6.snf': ['UNSUPPORTED_VERSION', '§2.2', 'major version 6', () => { const b = image.slice(); b[8] = 6; return resealed(b); }],
  'checksum.snf': ['CHECKSUM_MISMATCH', '§2.4', 'one payload bit flipped, the CRC-32 left as it was', () => { const b = image.slice(); b[b.length - 10] ^= 1; return b; }],
  'truncated.snf': ['TRUNCATED', '§2', 'the last 5 bytes cut off', () => image.slice(0, image.length - 5)],
  'trailing-byte.snf': ['SIZE_MISMATCH', '§2', 'one byte after the CRC-32', () => { const b = new Uint8Array(image.length + 1); b.set(image); return b; }],
  'header-stored-bad-nlen.snf': ['BAD_HEADER', '§2.2', "the 5.11 fixture's header as a stored DEFLATE block whose NLEN is 0, not LEN's complement (zlib refuses it)", () => badStoredHeader(new Uint8Array(readFileSync('fixtures/kodim-crop32-all.snf')))],
  'width-zero.snf': ['BAD_HEADER', '§3.2', 'an image 0 pixels wide', () => edit(image, (h) => { h.width = 0; })],
  'width-over-limit.snf': ['LIMIT_EXCEEDED', '§3.2, §8', 'an image 65,537 pixels wide, over maxImageSide', () => edit(image, (h) => { h.width = 65537; })],
  'blend-in-version-1.snf': ['UNSUPPORTED_FEATURE', '§3.5', '`blend` in a version 1 file', () => edit(image, (h) => { h.grid = [1, 1]; h.blend = { overlap: [0, 0] }; })],
  'audio-with-width.snf': ['BAD_HEADER', '§3.2', 'an audio header with the image key `width`', () => edit(audio, (h) => { h.width = 32; })],
  'stream-lengths.snf': ['SIZE_MISMATCH', '§3.4', "the first network's stream length one byte longer, so that they no longer sum to P", () => edit(image, (h) => { h.networks[0].b += 1; })],
  'stream-trailing-zero.snf': ['BAD_STREAM', '§6.6', "a zero byte after the last network's coded stream (its length and P include it)", () => edit(image, (h, parts) => {
    h.networks.at(-1).b += 1;
    const payload = new Uint8Array(parts.payload.length + 1);
    payload.set(parts.payload);
    parts.payload = payload;
  })],
};
const expected = {};
for (const [name, [code, spec, what, make]] of Object.entries(vectors)) {
  writeFileSync(`fixtures/invalid/${name}`, make());
  expected[name] = { code, spec, what };
}
writeFileSync('fixtures/invalid/expected.json', `${JSON.stringify(expected, null, 1)}\n`);
console.log(`${Object.keys(vectors).length} rejected-file vectors in fixtures/invalid/`);
