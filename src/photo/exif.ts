/**
 * The two things snfc does to an EXIF blob (spec §3.8): store it as the
 * bare TIFF structure, and set its orientation to 1 once the encoder has
 * applied it to the pixels, so that a viewer does not turn the decoded
 * image a second time. Byte-level and browser-clean.
 *
 * TIFF structure (TIFF 6.0 §2), as EXIF uses it:
 *
 *   offset  size  field
 *   0       2     byte order: 'II' (little-endian) or 'MM' (big-endian)
 *   2       2     42
 *   4       4     offset of IFD0
 *   IFD:    2     entry count n, then n entries of 12 bytes:
 *                 tag u16, type u16, count u32, value (≤ 4 bytes) or its offset
 */

/** JPEG's APP1 prefix of an EXIF blob; PNG, WebP and TIFF store the TIFF structure without it. */
const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"
/** The IFD0 tag of the orientation (EXIF 2.3 §4.6.4), a SHORT 1 … 8. */
const TAG_ORIENTATION = 0x0112;
const TYPE_SHORT = 3;

/** `blob` without a leading "Exif\0\0" (sharp reports JPEG and WebP EXIF with it, PNG's without). */
export function exifTiffStructure(blob: Uint8Array): Uint8Array {
  const prefixed = blob.length >= EXIF_PREFIX.length && EXIF_PREFIX.every((byte, i) => blob[i] === byte);
  return prefixed ? blob.subarray(EXIF_PREFIX.length) : blob;
}

/** `tiff` with "Exif\0\0" in front: the payload of a JPEG APP1 segment. */
export function exifWithPrefix(tiff: Uint8Array): Uint8Array {
  const out = new Uint8Array(EXIF_PREFIX.length + tiff.length);
  out.set(EXIF_PREFIX, 0);
  out.set(tiff, EXIF_PREFIX.length);
  return out;
}

/** Where IFD0's orientation value sits in `tiff` and its byte order, or undefined if it has none (or the structure is broken). */
function orientationAt(tiff: Uint8Array): { at: number; little: boolean } | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (view.getUint16(2, little) !== 42) return undefined;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) return undefined;
    if (view.getUint16(entry, little) === TAG_ORIENTATION && view.getUint16(entry + 2, little) === TYPE_SHORT && view.getUint32(entry + 4, little) === 1) {
      return { at: entry + 8, little };
    }
  }
  return undefined;
}

/** The orientation (1 … 8) IFD0 of `tiff` records, or undefined. */
export function exifOrientation(tiff: Uint8Array): number | undefined {
  const place = orientationAt(tiff);
  if (place === undefined) return undefined;
  return new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength).getUint16(place.at, place.little);
}

/**
 * A copy of `tiff` whose IFD0 orientation is `orientation` (a 2-byte edit in
 * place: every other byte stays), or `tiff` itself when it records none.
 */
export function withExifOrientation(tiff: Uint8Array, orientation: number): Uint8Array {
  const place = orientationAt(tiff);
  if (place === undefined) return tiff;
  const copy = tiff.slice();
  new DataView(copy.buffer).setUint16(place.at, orientation, place.little);
  return copy;
}
