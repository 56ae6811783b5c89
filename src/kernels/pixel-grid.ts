/** Where a network's pixels fall on an output grid of any size (spec §4.3), shared by every renderer. */

/**
 * One axis of `regionAxes`: the output indices of an axis of `outSize`
 * pixels whose centres, in source units, fall in [lo, hi) of `sourceSize`,
 * and their field coordinates 2 (u − lo) / (hi − lo) − 1 (spec §4.3) in float32.
 */
export function axisPixels(sourceSize: number, outSize: number, lo: number, hi: number): { first: number; count: number; coords: Float32Array } {
  const scale = sourceSize / outSize;
  const first = Math.max(0, Math.ceil(lo / scale - 0.5));
  const count = Math.max(0, Math.min(outSize, Math.ceil(hi / scale - 0.5)) - first);
  const coords = Float32Array.from({ length: count }, (_, i) => (2 * ((first + i + 0.5) * scale - lo)) / (hi - lo) - 1);
  return { first, count, coords };
}
