/**
 * The Fourier input encoding of a field (spec §4.1): each coordinate x_j in
 * [-1, 1] is fed to the network together with sin(2^k·π·x_j) and
 * cos(2^k·π·x_j) for k = 0 … L−1. A small SIREN spends its first layer on
 * frequencies it must otherwise learn from ω·W0; handing it a fixed octave
 * ladder is worth +0.5 dB at equal parameters on 192×128 Kodak crops at
 * 1 bpp (docs/studies.md), although the wider first layer costs weights.
 *
 * Per point the encoded row is
 *   x_1 … x_d, then for k = 0 … L−1, for j = 1 … d: sin(2^k π x_j), cos(2^k π x_j)
 * computed in float64 and rounded to float32.
 */

/**
 * Most Fourier levels a file may use (spec §3.4). At the top level the phase
 * is 2^15·π·x: a decoder must evaluate it in float64 (spec §4.1), as here.
 */
export const MAX_FOURIER_LEVELS = 16;

/** Network inputs for `dims` coordinates encoded with `levels` Fourier levels. */
export function encodedInputs(dims: number, levels: number): number {
  return dims * (1 + 2 * levels);
}

/**
 * The coordinate each encoded input depends on, input by input: `j` for x_j
 * and for each of its sines and cosines (the row layout above). Every input
 * depends on one coordinate alone, so on a pixel grid the first layer's
 * product is a per-column part plus a per-row part (the training engine's
 * factored first layer, kernels/wasm/factored-inputs.ts).
 */
export function inputAxes(dims: number, levels: number): number[] {
  return Array.from({ length: encodedInputs(dims, levels) }, (_, i) => (i < dims ? i : ((i - dims) >> 1) % dims));
}

/** Distinct coordinate values whose sines `encodeCoordinates` keeps: a grid's columns and rows, many times over. */
const CACHED_VALUES = 1 << 16;

/**
 * Encodes `count` points of `dims` coordinates (row by row in `coords`) with
 * `levels` Fourier levels. `levels` 0 returns `coords` itself.
 *
 * Pixel grids repeat each column's x and each row's y many times, so the
 * sines and cosines of a value are computed once and copied after that:
 * a 768×512 image needs 1,280 evaluations instead of 4.7 million.
 */
export function encodeCoordinates(coords: Float32Array, dims: number, levels: number, count = coords.length / dims): Float32Array {
  if (levels === 0) return coords;
  const width = encodedInputs(dims, levels);
  const out = new Float32Array(count * width);
  const scales = Array.from({ length: levels }, (_, k) => 2 ** k * Math.PI);
  // Rows of 2·levels sines and cosines, level by level. Row 0 is scratch for
  // values met once the cache is full; `cached` maps a value to its row.
  const cached = new Map<number, number>();
  let table = new Float32Array(1024 * 2 * levels);
  let rows = 1;
  const rowOf = (value: number): number => {
    let row = cached.get(value);
    if (row === undefined) {
      row = 0;
      if (cached.size < CACHED_VALUES) {
        row = rows++;
        cached.set(value, row);
        if (rows * 2 * levels > table.length) {
          const grown = new Float32Array(table.length * 2);
          grown.set(table);
          table = grown;
        }
      }
      let at = row * 2 * levels;
      for (const scale of scales) {
        table[at++] = Math.sin(scale * value);
        table[at++] = Math.cos(scale * value);
      }
    }
    return row;
  };
  for (let p = 0; p < count; p++) {
    const to = p * width;
    for (let j = 0; j < dims; j++) {
      const value = coords[p * dims + j]!;
      out[to + j] = value;
      const at = rowOf(value) * 2 * levels;
      for (let k = 0; k < levels; k++) {
        const slot = to + dims + 2 * (k * dims + j);
        out[slot] = table[at + 2 * k]!;
        out[slot + 1] = table[at + 2 * k + 1]!;
      }
    }
  }
  return out;
}

/**
 * The encoded inputs of a pixel grid: `ys.length` rows × `xs.length`
 * columns, row by row, point (r, c) at (xs[c], ys[r]). The same values as
 * `encodeCoordinates` on those points, but the sines and cosines are
 * computed once per column and once per row and no value is looked up:
 * the decoder's renderer spends about 4 % of its time here instead of a
 * third. With `scratch` (large enough) the result is a view of it: fresh
 * memory is slow to touch the first time (a 2.7 MB array costs about 10 ms
 * on the machines here), so a renderer reuses one buffer for every tile.
 */
export function encodeGrid(xs: Float32Array, ys: Float32Array, levels: number, scratch?: Float32Array): Float32Array {
  const width = encodedInputs(2, levels);
  const columns = xs.length;
  const length = columns * ys.length * width;
  // Every value is written below, so a reused buffer needs no clearing.
  const out = scratch !== undefined && scratch.length >= length ? scratch.subarray(0, length) : new Float32Array(length);
  if (columns === 0 || ys.length === 0) return out;
  const fx = axisFeatures(xs, levels);
  const fy = axisFeatures(ys, levels);
  const perValue = 2 * levels;
  // A row's x parts are the same in every row: fill them once, copy them per row, then add the y parts.
  const template = out.subarray(0, columns * width);
  for (let c = 0; c < columns; c++) {
    const at = c * width;
    template[at] = xs[c]!;
    // Level by level: sin, cos of x, then sin, cos of y (the row layout above, d = 2).
    for (let k = 0; k < levels; k++) {
      template[at + 2 + 4 * k] = fx[c * perValue + 2 * k]!;
      template[at + 3 + 4 * k] = fx[c * perValue + 2 * k + 1]!;
    }
  }
  for (let r = 0; r < ys.length; r++) {
    const rowStart = r * columns * width;
    if (r > 0) out.copyWithin(rowStart, 0, columns * width);
    const y = ys[r]!;
    for (let c = 0; c < columns; c++) {
      const at = rowStart + c * width;
      out[at + 1] = y;
      for (let k = 0; k < levels; k++) {
        out[at + 4 + 4 * k] = fy[r * perValue + 2 * k]!;
        out[at + 5 + 4 * k] = fy[r * perValue + 2 * k + 1]!;
      }
    }
  }
  return out;
}

/**
 * The encoded inputs of the points (v, 0) (`axis` 0) or (0, v) (`axis` 1)
 * for each v of `values`, without the other coordinate's features (zeros,
 * where `encodeGrid` would put sin 0 = 0 and cos 0 = 1): a pixel grid's
 * column or row part of the first layer (grid-forward.ts). The values
 * present are `encodeGrid`'s, bit for bit.
 */
export function encodeAxis(values: Float32Array, levels: number, axis: 0 | 1): Float32Array {
  const width = encodedInputs(2, levels);
  const out = new Float32Array(values.length * width);
  const features = axisFeatures(values, levels);
  for (let i = 0; i < values.length; i++) {
    const at = i * width;
    out[at + axis] = values[i]!;
    for (let k = 0; k < levels; k++) {
      out[at + 2 + 2 * axis + 4 * k] = features[i * 2 * levels + 2 * k]!;
      out[at + 3 + 2 * axis + 4 * k] = features[i * 2 * levels + 2 * k + 1]!;
    }
  }
  return out;
}

/** sin(2^k π v), cos(2^k π v) for k < levels, per value of `values`, in float64 then rounded to float32. */
function axisFeatures(values: Float32Array, levels: number): Float32Array {
  const out = new Float32Array(values.length * 2 * levels);
  let at = 0;
  for (const value of values) {
    for (let k = 0; k < levels; k++) {
      const phase = 2 ** k * Math.PI * value;
      out[at++] = Math.sin(phase);
      out[at++] = Math.cos(phase);
    }
  }
  return out;
}

