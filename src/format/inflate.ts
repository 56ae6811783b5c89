/**
 * Bounded inflation of raw DEFLATE streams (RFC 1951), for the two places
 * the format stores one: a deflated header (versions 3 to 5, spec §2.2) and the embedded
 * metadata blobs (spec §3.8). Both come from untrusted files, so the
 * inflater is fed a little input at a time and its output counted: a
 * decompression bomb is stopped at the first chunk that passes the bound.
 * Browser-clean: fflate has no Node dependency.
 */
import { Inflate } from 'fflate';

/** Input bytes handed to the inflater at a time: bounds the output of one step to about 1 MiB past the bound (DEFLATE expands at most 1032:1). */
const INFLATE_CHUNK = 1024;

/** First size of the output buffer, which doubles up to the bound as the output grows. */
const INITIAL_OUTPUT = 4096;

/** What `inflateAtMost` found wrong with a stream. */
export type InflateFailure = { readonly tooLong: true } | { readonly invalid: string };

/**
 * Inflates `stream`, or says why not: `tooLong` as soon as the output
 * passes `maxBytes`, `invalid` (fflate's reason) for a stream that is not
 * DEFLATE or ends before its final block. Bytes after the final block are
 * ignored (spec §2.2, §3.8). Memory: an output buffer of at most `maxBytes`
 * (while it grows, the old one beside it), the inflater's window and one
 * chunk's output.
 */
export function inflateAtMost(stream: Uint8Array, maxBytes: number): Uint8Array | InflateFailure {
  if (stream.length === 0) return { invalid: 'no bytes' };
  let out = new Uint8Array(Math.min(maxBytes, INITIAL_OUTPUT));
  let length = 0;
  const tooLong = { tooLong: true } as const;
  const inflater = new Inflate((chunk) => {
    const end = length + chunk.length;
    if (end > maxBytes) throw tooLong;
    if (end > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(end, 2 * out.length)));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    out.set(chunk, length);
    length = end;
  });
  try {
    for (let at = 0; at < stream.length; at += INFLATE_CHUNK) {
      const end = Math.min(stream.length, at + INFLATE_CHUNK);
      inflater.push(stream.subarray(at, end), end === stream.length);
    }
  } catch (error) {
    if (error === tooLong) return tooLong;
    return { invalid: (error as Error).message };
  }
  return out.subarray(0, length);
}
