/**
 * Rows of an interleaved image widened by copies of their edge pixels, so
 * that a filter can read every tap of every pixel without clamping (the
 * clamped position of spec §4.6 is the nearest edge pixel, which is what a
 * replicated border holds). The restoration filter's TypeScript loop pads
 * the whole image this way, its WASM kernel a band of rows at a time.
 */

/**
 * Writes row `y` of `values` (`width` pixels × `channels`) into `target`
 * from `at`, with `pad` copies of its first pixel before it and of its last
 * after it: (width + 2 · pad) × channels samples.
 */
export function copyPaddedRow(target: Float32Array, at: number, values: Float32Array, y: number, width: number, channels: number, pad: number): void {
  const rowStart = y * width * channels;
  const last = rowStart + (width - 1) * channels;
  let o = at;
  for (let p = 0; p < pad; p++) for (let c = 0; c < channels; c++) target[o++] = values[rowStart + c]!;
  target.set(values.subarray(rowStart, rowStart + width * channels), o);
  o += width * channels;
  for (let p = 0; p < pad; p++) for (let c = 0; c < channels; c++) target[o++] = values[last + c]!;
}

/** The index in [0, size) nearest to `i`: spec §4.6's clamping of a position to the image. */
export function clampIndex(i: number, size: number): number {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}
