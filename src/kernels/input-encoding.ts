/**
 * The Fourier input encoding of a field (spec §4.1): each coordinate x_j in
 * [-1, 1] is fed to the network together with sin(2^k·π·x_j) and
 * cos(2^k·π·x_j) for k = 0 … L−1. A small SIREN spends its first layer on
 * frequencies it must otherwise learn from ω·W0; handing it a fixed octave
 * ladder is worth +0.5 dB at equal parameters on 192×128 Kodak crops at
 * 1 bpp (README "Defaults"), although the wider first layer costs weights.
 *
 * Per point the encoded row is
 *   x_1 … x_d, then for k = 0 … L−1, for j = 1 … d: sin(2^k π x_j), cos(2^k π x_j)
 * computed in float64 and rounded to float32.
 */

/** Most Fourier levels a file may use (spec §3.4): 2^15·π·x is still a float32-exact phase scale. */
export const MAX_FOURIER_LEVELS = 16;

/** Network inputs for `dims` coordinates encoded with `levels` Fourier levels. */
export function encodedInputs(dims: number, levels: number): number {
  return dims * (1 + 2 * levels);
}

/**
 * Encodes `count` points of `dims` coordinates (row by row in `coords`) with
 * `levels` Fourier levels. `levels` 0 returns `coords` itself.
 */
export function encodeCoordinates(coords: Float32Array, dims: number, levels: number, count = coords.length / dims): Float32Array {
  if (levels === 0) return coords;
  const width = encodedInputs(dims, levels);
  const out = new Float32Array(count * width);
  const scales = Array.from({ length: levels }, (_, k) => 2 ** k * Math.PI);
  for (let p = 0; p < count; p++) {
    const from = p * dims;
    let to = p * width;
    for (let j = 0; j < dims; j++) out[to++] = coords[from + j]!;
    for (const scale of scales) {
      for (let j = 0; j < dims; j++) {
        const phase = scale * coords[from + j]!;
        out[to++] = Math.sin(phase);
        out[to++] = Math.cos(phase);
      }
    }
  }
  return out;
}
