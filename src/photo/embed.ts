/**
 * Writes EXIF and XMP blobs into encoded PNG, JPEG and WebP files, byte for
 * byte (sharp can only rebuild EXIF from parsed fields, which changes its
 * bytes). ICC profiles are attached by sharp, which also converts the pixels
 * to them. Byte-level and browser-clean.
 *
 * Where each blob goes:
 *   PNG   eXIf chunk (the TIFF structure) and an iTXt chunk keyed
 *         "XML:com.adobe.xmp", both before the first IDAT (PNG 3rd ed. §11.3).
 *   JPEG  APP1 "Exif\0\0" + TIFF structure and APP1
 *         "http://ns.adobe.com/xap/1.0/\0" + XMP, after SOI and any APP0 (JFIF);
 *         each segment holds at most 65,533 bytes.
 *   WebP  EXIF and XMP␠ chunks after the image data, with their flags set in
 *         a VP8X chunk (added when the file is a simple VP8/VP8L one).
 */
import { crc32 } from '../format/crc32.js';
import { exifWithPrefix } from './exif.js';

/** What a container takes: the TIFF structure of the EXIF and the XMP packet. */
export interface EmbeddedBlobs {
  readonly exif?: Uint8Array;
  readonly xmp?: Uint8Array;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The parts one after the other in a new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Thrown when a blob does not fit the container (a JPEG segment holds under 64 KiB). */
export class EmbedError extends RangeError {
  override readonly name = 'EmbedError';
}

// ---------------------------------------------------------------------------
// PNG: length u32 BE, type, data, CRC-32 of type + data.
// ---------------------------------------------------------------------------

/** One PNG chunk: length, type, data and its CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  writePngChunk(chunk, 0, type, data);
  return chunk;
}

/** Writes the chunk `pngChunk` makes into `out` from `at` (12 + data.length bytes); returns where it ends. */
export function writePngChunk(out: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset + at, 12 + data.length);
  view.setUint32(0, data.length);
  out.set(ascii(type), at + 4);
  out.set(data, at + 8);
  view.setUint32(8 + data.length, crc32(out.subarray(at + 4, at + 8 + data.length)));
  return at + 12 + data.length;
}

/** `png` with the blobs' chunks inserted before its first IDAT. */
export function embedInPng(png: Uint8Array, blobs: EmbeddedBlobs): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at + 8 <= png.length && String.fromCharCode(...png.subarray(at + 4, at + 8)) !== 'IDAT') at += 12 + view.getUint32(at);
  if (at + 8 > png.length) throw new EmbedError('not a PNG with image data');
  const chunks: Uint8Array[] = [];
  if (blobs.exif) chunks.push(pngChunk('eXIf', blobs.exif));
  // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword (NUL each), text.
  if (blobs.xmp) chunks.push(pngChunk('iTXt', concat([ascii('XML:com.adobe.xmp'), new Uint8Array(5), blobs.xmp])));
  return concat([png.subarray(0, at), ...chunks, png.subarray(at)]);
}

// ---------------------------------------------------------------------------
// JPEG: FF D8 (SOI), then segments FF xx, length u16 BE (counting itself).
// ---------------------------------------------------------------------------

const XMP_NAMESPACE = ascii('http://ns.adobe.com/xap/1.0/\0');
/** Largest payload of one JPEG marker segment: its 16-bit length counts its own 2 bytes. */
const MAX_SEGMENT_PAYLOAD = 65_533;

function jpegSegment(marker: number, payload: Uint8Array, what: string): Uint8Array {
  if (payload.length > MAX_SEGMENT_PAYLOAD) {
    throw new EmbedError(`the ${what} (${payload.length} bytes) does not fit one JPEG segment of ${MAX_SEGMENT_PAYLOAD} bytes`);
  }
  const segment = new Uint8Array(4 + payload.length);
  segment[0] = 0xff;
  segment[1] = marker;
  new DataView(segment.buffer).setUint16(2, payload.length + 2);
  segment.set(payload, 4);
  return segment;
}

/** `jpeg` with APP1 segments for the blobs after SOI and any APP0 (JFIF must stay first). */
export function embedInJpeg(jpeg: Uint8Array, blobs: EmbeddedBlobs): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new EmbedError('not a JPEG');
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4]! << 8) | jpeg[5]!);
  const segments: Uint8Array[] = [];
  if (blobs.exif) segments.push(jpegSegment(0xe1, exifWithPrefix(blobs.exif), 'EXIF'));
  if (blobs.xmp) segments.push(jpegSegment(0xe1, concat([XMP_NAMESPACE, blobs.xmp]), 'XMP packet'));
  return concat([jpeg.subarray(0, at), ...segments, jpeg.subarray(at)]);
}

// ---------------------------------------------------------------------------
// WebP: 'RIFF', size u32 LE, 'WEBP', chunks: fourcc, size u32 LE, data, a pad byte when odd.
// ---------------------------------------------------------------------------

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;
const VP8X_ALPHA = 0x10;

function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(8 + data.length + (data.length & 1));
  chunk.set(ascii(fourcc), 0);
  new DataView(chunk.buffer).setUint32(4, data.length, true);
  chunk.set(data, 8);
  return chunk;
}

/**
 * `webp` with EXIF and XMP chunks at its end and their VP8X flags set. A
 * simple file (VP8 or VP8L alone) gets a VP8X chunk for `width` × `height`,
 * with the alpha flag when `alpha`.
 */
export function embedInWebp(webp: Uint8Array, blobs: EmbeddedBlobs, width: number, height: number, alpha: boolean): Uint8Array {
  if (String.fromCharCode(...webp.subarray(0, 4)) !== 'RIFF' || String.fromCharCode(...webp.subarray(8, 12)) !== 'WEBP') {
    throw new EmbedError('not a WebP file');
  }
  let body: Uint8Array = webp.slice(12, 8 + new DataView(webp.buffer, webp.byteOffset).getUint32(4, true));
  const flags = (blobs.exif ? VP8X_EXIF : 0) | (blobs.xmp ? VP8X_XMP : 0);
  if (String.fromCharCode(...body.subarray(0, 4)) === 'VP8X') {
    body[8]! |= flags;
  } else {
    // VP8X: flags u8, 3 reserved bytes, canvas width − 1 and height − 1 as u24 LE.
    const vp8x = new Uint8Array(10);
    vp8x[0] = flags | (alpha ? VP8X_ALPHA : 0);
    for (let i = 0; i < 3; i++) {
      vp8x[4 + i] = ((width - 1) >> (8 * i)) & 0xff;
      vp8x[7 + i] = ((height - 1) >> (8 * i)) & 0xff;
    }
    body = concat([riffChunk('VP8X', vp8x), body]);
  }
  const chunks: Uint8Array[] = [body];
  if (blobs.exif) chunks.push(riffChunk('EXIF', blobs.exif));
  if (blobs.xmp) chunks.push(riffChunk('XMP ', blobs.xmp));
  const riff = concat(chunks);
  const header = new Uint8Array(12);
  header.set(ascii('RIFF'), 0);
  new DataView(header.buffer).setUint32(4, 4 + riff.length, true);
  header.set(ascii('WEBP'), 8);
  return concat([header, riff]);
}
