import { constants, deflateSync } from 'node:zlib';
import { writePngChunk } from '../photo/embed.js';
import type { Raster } from '../raster.js';

/**
 * A PNG writer for decoded rasters: 8 or 16 bits, gray, gray + alpha, RGB or
 * RGBA, no ancillary chunks (photo/embed.ts adds EXIF and XMP afterwards).
 * `snfc decode` writes its default output with it rather than with sharp,
 * whose loading alone takes about 100 ms, a fifth of a 768×512 decode
 * (docs/engine.md); sharp still writes every other format, and PNGs that
 * carry an ICC profile.
 */

/** PNG colour types by channel count: gray, gray + alpha, RGB, RGBA. */
const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/**
 * zlib level 1 (see `filterSub`) with the run-length strategy, which only
 * looks for matches one byte back: on four decoded photos and a Kodak source
 * it deflated 7–58 % faster than level 1's default strategy (decoded
 * 768×512 photos 15–23 ms against 24–33; 1536×1024 59 against 68), within
 * ±4.4 % of its bytes (from 4.4 % smaller to 4.4 % larger).
 */
const DEFLATE = { level: 1, strategy: constants.Z_RLE };

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** `image` as a PNG file; at 16 bits when it has `data16` and `sixteen` is set. */
export function encodePng(image: Raster, sixteen = false): Uint8Array {
  const { width, height, channels } = image;
  const deep = sixteen && image.data16 !== undefined;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = deep ? 16 : 8;
  header[9] = COLOUR_TYPE[channels];
  // header[10..12]: deflate, adaptive filtering, no interlace (all 0).
  const rowBytes = width * channels * (deep ? 2 : 1);
  const raw = deep ? bigEndianBytes(image.data16!) : image.data;
  const filtered = filterSub(raw, rowBytes, height, channels * (deep ? 2 : 1));
  // One output chunk of zlib's that holds it all, which zlib then hands back as it is (not joined from 16 KiB
  // pieces), and the file assembled once: each copy is fresh memory, slow to touch (docs/engine.md).
  const compressed = deflateSync(filtered, { ...DEFLATE, chunkSize: Math.min(2 ** 30, filtered.length + (filtered.length >> 10) + 1024) });
  const file = new Uint8Array(SIGNATURE.length + 3 * 12 + header.length + compressed.length);
  file.set(SIGNATURE);
  const end = writePngChunk(file, writePngChunk(file, SIGNATURE.length, 'IHDR', header), 'IDAT', compressed);
  writePngChunk(file, end, 'IEND', new Uint8Array(0));
  return file;
}

/** 16-bit samples in PNG's byte order (big-endian). */
function bigEndianBytes(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    out[2 * i] = samples[i]! >> 8;
    out[2 * i + 1] = samples[i]! & 0xff;
  }
  return out;
}

/**
 * Each row with its filter byte: Sub (filter 1), each byte less the same
 * sample of the pixel to its left. On a decoded 768×512 photo, Sub with zlib
 * level 1 writes a third fewer bytes than sharp's default PNG (no filter,
 * level 6) in less time; Paeth saves 13 % more but takes three times as long
 * in this loop (docs/engine.md).
 */
function filterSub(raw: Uint8Array, rowBytes: number, rows: number, pixelBytes: number): Uint8Array {
  const out = new Uint8Array(rows * (rowBytes + 1));
  for (let r = 0; r < rows; r++) filterSubRow(raw, r * rowBytes, rowBytes, pixelBytes, out, r * (rowBytes + 1));
  return out;
}

/** One row of filterSub: a small function called once a row, which V8 optimizes within the first rows. */
function filterSubRow(raw: Uint8Array, row: number, rowBytes: number, pixelBytes: number, out: Uint8Array, to: number): void {
  out[to] = 1;
  for (let i = 0; i < pixelBytes && i < rowBytes; i++) out[to + 1 + i] = raw[row + i]!;
  for (let i = pixelBytes; i < rowBytes; i++) out[to + 1 + i] = (raw[row + i]! - raw[row + i - pixelBytes]!) & 0xff;
}
