/**
 * Embedded photo metadata (spec §3.8): the EXIF, ICC and XMP blobs of the
 * source, each a raw DEFLATE stream (RFC 1951, fflate) with its inflated
 * size, under the optional root key `metadata`:
 *
 *   metadata: { exif?: Entry, icc?: Entry, xmp?: Entry }
 *   Entry:    { size: integer 1 … maxMetadataBytes, deflate: bin }
 *
 * Informative like `train`: the pixels never depend on it. A reader checks
 * the sizes against `maxMetadataBytes` with the header (spec §7 step 8) and
 * inflates with a byte counter (step 11, inflate.ts), so a decompression
 * bomb is refused after at most `size` + one input chunk's worth of output.
 */
import { deflateSync } from 'fflate';
import { U32_MAX, type SnfLimits } from './constants.js';
import { describe, fail } from './errors.js';
import { inflateAtMost } from './inflate.js';
import type { HeaderValue, WritableValue } from './msgpack.js';

/** The blobs spec §3.8 defines, in the order writers emit them. */
export const METADATA_KINDS = ['exif', 'icc', 'xmp'] as const;
export type MetadataKind = (typeof METADATA_KINDS)[number];

/** One blob as the file stores it. */
export interface MetadataEntry {
  /** Bytes of the inflated blob, 1 … maxMetadataBytes. */
  readonly size: number;
  /** A raw DEFLATE stream that inflates to exactly `size` bytes. */
  readonly deflate: Uint8Array;
}

/** The `metadata` key as stored (spec §3.8): deflated entries, each optional. */
export type StoredMetadata = { readonly [K in MetadataKind]?: MetadataEntry };

/**
 * The blobs, inflated: `exif` is the TIFF structure (from its byte-order
 * mark `II*\0` or `MM\0*`, without JPEG's `Exif\0\0`), `icc` a whole ICC
 * profile, `xmp` an XMP packet in UTF-8.
 */
export type PhotoMetadata = { readonly [K in MetadataKind]?: Uint8Array };

function isMap(value: HeaderValue | undefined): value is { readonly [key: string]: HeaderValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Checks the `metadata` value of a header (spec §3.8) and the sum of its
 * sizes against `limits.maxMetadataBytes`, without inflating anything.
 * Unknown keys, in the map and in its entries, are ignored (spec §3.6).
 *
 * @throws SnfFormatError `BAD_HEADER` or `LIMIT_EXCEEDED`.
 */
export function validateMetadata(value: HeaderValue, limits: SnfLimits): StoredMetadata {
  if (!isMap(value)) fail('BAD_HEADER', `bad header: expected a map for metadata but received ${describe(value)}`);
  const stored: { [K in MetadataKind]?: MetadataEntry } = {};
  let total = 0;
  for (const kind of METADATA_KINDS) {
    const entry = value[kind];
    if (entry === undefined) continue;
    const path = `metadata.${kind}`;
    if (!isMap(entry)) fail('BAD_HEADER', `bad header: expected a map for ${path} but received ${describe(entry)}`);
    const { size, deflate } = entry;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
      fail('BAD_HEADER', `bad header: expected an integer ≥ 1 for ${path}.size but received ${describe(size)}`);
    }
    if (!(deflate instanceof Uint8Array) || deflate.length === 0) {
      fail('BAD_HEADER', `bad header: expected non-empty binary data for ${path}.deflate but received ${describe(deflate)}`);
    }
    total += size;
    if (total > limits.maxMetadataBytes) {
      fail('LIMIT_EXCEEDED', `the embedded metadata claims over ${limits.maxMetadataBytes} bytes (limit maxMetadataBytes), ${total} up to ${path}`);
    }
    // Under a limit a caller raised past u32, still held to u32 like every size a limit bounds (§8).
    if (size > U32_MAX) fail('BAD_HEADER', `bad header: expected an integer from 1 to ${U32_MAX} for ${path}.size but received ${size}`);
    stored[kind] = { size, deflate };
  }
  return stored;
}

/**
 * Inflates one entry, refusing a stream that is not DEFLATE or that gives
 * any other number of bytes than `size`. Memory: the `size`-byte result plus
 * the inflater's window and one chunk's output; a bomb is stopped at the
 * first chunk that passes `size` (inflate.ts).
 *
 * @throws SnfFormatError `BAD_HEADER`.
 */
export function inflateEntry(entry: MetadataEntry, path: string): Uint8Array {
  const out = inflateAtMost(entry.deflate, entry.size);
  if (!(out instanceof Uint8Array)) {
    fail('BAD_HEADER', 'tooLong' in out
      ? `bad header: ${path}.deflate inflates to more than its size, ${entry.size} bytes`
      : `bad header: ${path}.deflate is not a valid DEFLATE stream (${out.invalid})`);
  }
  if (out.length !== entry.size) fail('BAD_HEADER', `bad header: ${path}.deflate inflates to ${out.length} bytes but its size says ${entry.size}`);
  return out;
}

/** Inflates every entry of `stored` (spec §7 step 11). @throws SnfFormatError `BAD_HEADER`. */
export function inflateMetadata(stored: StoredMetadata): PhotoMetadata {
  const blobs: { [K in MetadataKind]?: Uint8Array } = {};
  for (const kind of METADATA_KINDS) {
    const entry = stored[kind];
    if (entry !== undefined) blobs[kind] = inflateEntry(entry, `metadata.${kind}`);
  }
  return blobs;
}

/**
 * Deflates `blobs` (fflate, level 9) into the stored form; empty blobs are
 * left out. Returns undefined when nothing is left to store.
 * @throws SnfFormatError `INVALID_ARGUMENT` for a blob that is not a Uint8Array.
 */
export function deflateMetadata(blobs: PhotoMetadata): StoredMetadata | undefined {
  const stored: { [K in MetadataKind]?: MetadataEntry } = {};
  let any = false;
  for (const kind of METADATA_KINDS) {
    const blob = blobs[kind];
    if (blob === undefined) continue;
    if (!(blob instanceof Uint8Array)) fail('INVALID_ARGUMENT', `Expected a Uint8Array for metadata.${kind} but received ${describe(blob)}`);
    if (blob.length === 0) continue;
    stored[kind] = { size: blob.length, deflate: deflateSync(blob, { level: 9 }) };
    any = true;
  }
  return any ? stored : undefined;
}

/** The `metadata` map as writers emit it: kinds in the order of METADATA_KINDS, each entry `size` then `deflate`. */
export function metadataValue(stored: StoredMetadata): WritableValue {
  const value: { [key: string]: WritableValue } = {};
  for (const kind of METADATA_KINDS) {
    const entry = stored[kind];
    if (entry !== undefined) value[kind] = { size: entry.size, deflate: entry.deflate };
  }
  return value;
}

/** Bytes the blobs take in the file (deflated) and inflated, per kind: for `snfc info`. */
export function metadataSizes(stored: StoredMetadata): { kind: MetadataKind; size: number; stored: number }[] {
  return METADATA_KINDS.flatMap((kind) => {
    const entry = stored[kind];
    return entry === undefined ? [] : [{ kind, size: entry.size, stored: entry.deflate.length }];
  });
}
