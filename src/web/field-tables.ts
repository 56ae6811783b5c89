import type { SirenArch } from '../kernels/arch.js';
import { layerShapes } from '../kernels/arch.js';
import { encodeCoordinates } from '../kernels/input-encoding.js';
import { axisPixels } from '../kernels/pixel-grid.js';

/**
 * The per-column and per-row tables the WebGL2 renderer reads instead of
 * evaluating the first layer and the blend weights in the shader.
 *
 * Why on the CPU: the first layer of a field is separable. Its input row is
 * the x features (x and its Fourier pairs) then the y features, so its
 * pre-activation is A(column) + B(row) with A = b0 + x features · W0 rows of
 * x, B = y features · W0 rows of y. A and B depend on one axis each: a
 * 768-column image needs 768 of them, not 393,216. And the Fourier phases
 * reach 2^15·π (spec §4.1), which a float32 shader cannot evaluate; here they
 * are computed in float64 by the same `encodeCoordinates` the Node decoder
 * uses, from the same float32 coordinates. The blend weight (spec §3.5) is a
 * product of one factor per axis, so it rides along in the same tables.
 */

/** One axis of a network's placement: which output pixels it touches, their coordinates and weights. */
export interface AxisSpan {
  /** First output index (column or row) the network contributes to. */
  readonly first: number;
  /** Number of output indices from `first`. */
  readonly count: number;
  /** Field coordinate in [-1, 1] of each index, rounded to float32 as the Node decoder does. */
  readonly coords: Float32Array;
  /** Weight of the network along this axis at each index (1 without blending). */
  readonly weights: Float64Array;
}

/**
 * The output indices of an axis of `outSize` pixels whose centres, in
 * source units, fall in the coordinate frame [lo, hi) of a network, with
 * their coordinates (`axisPixels`, the Node decoder's own) and weights.
 */
export function axisSpan(sourceSize: number, outSize: number, lo: number, hi: number, weight: (u: number) => number): AxisSpan {
  const { first, count, coords } = axisPixels(sourceSize, outSize, lo, hi);
  const scale = sourceSize / outSize;
  const weights = Float64Array.from({ length: count }, (_, i) => weight((first + i + 0.5) * scale));
  return { first, count, coords, weights };
}

/**
 * The first-layer contribution of one axis at each index of `span`: for axis
 * `j` (0 = x, 1 = y) of a 2-D field, Σ_f feature_f · W0[row of f][o] over the
 * features of that axis, plus b0[o] when `withBias`. Rows of `units4` floats
 * (width padded to a multiple of 4, padding 0), then one float of the
 * weight and 3 of padding: (units4 + 4) floats per index.
 */
export function firstLayerTable(arch: SirenArch, params: Float32Array, span: AxisSpan, axis: 0 | 1, withBias: boolean): Float32Array {
  const levels = arch.fourier ?? 0;
  const dims = 2;
  const features = 1 + 2 * levels;
  if (arch.inputs !== dims * features) throw new RangeError(`Expected ${dims * features} inputs for ${levels} Fourier levels but received ${arch.inputs}`);
  const layer0 = layerShapes(arch)[0]!;
  const units = arch.width;
  const units4 = Math.ceil(units / 4) * 4;
  const stride = units4 + 4;
  // Input row of feature f of this axis in the encoded 2-D row (spec §4.1):
  // the coordinate itself, then sin, cos per level interleaved over the axes.
  const rows = Array.from({ length: features }, (_, f) => (f === 0 ? axis : dims + 2 * (((f - 1) >> 1) * dims + axis) + ((f - 1) & 1)));
  const encoded = encodeCoordinates(span.coords, 1, levels, span.count);
  const table = new Float32Array(span.count * stride);
  const sums = new Float64Array(units);
  for (let i = 0; i < span.count; i++) {
    for (let o = 0; o < units; o++) sums[o] = withBias ? params[layer0.biasOffset + o]! : 0;
    for (let f = 0; f < features; f++) {
      const value = encoded[i * features + f]!;
      const row = layer0.weightOffset + rows[f]! * layer0.fanOut;
      for (let o = 0; o < units; o++) sums[o]! += value * params[row + o]!;
    }
    table.set(sums, i * stride);
    table[i * stride + units4] = span.weights[i]!;
  }
  return table;
}

/**
 * The weights of layers 1 … depth laid out for the shader, in RGBA texels
 * (4 floats each), widths padded to multiples of 4 with zeros:
 * for each hidden layer, for each group q of 4 outputs, the 4·Q input rows
 * (texel i = W[i][4q … 4q+3]), then the Q bias texels; then for the output
 * layer the 4·Q input rows (outputs padded to 4) and one bias texel.
 */
export function shaderWeights(arch: SirenArch, params: Float32Array): Float32Array {
  const layers = layerShapes(arch);
  const q = Math.ceil(arch.width / 4);
  const rows = 4 * q;
  const texels = (arch.depth - 1) * (q * rows + q) + rows + 1;
  const out = new Float32Array(texels * 4);
  let at = 0;
  for (let l = 1; l <= arch.depth; l++) {
    const layer = layers[l]!;
    const groups = l === arch.depth ? 1 : q;
    for (let g = 0; g < groups; g++) {
      for (let i = 0; i < layer.fanIn; i++) {
        for (let k = 0; k < 4; k++) {
          const o = 4 * g + k;
          if (o < layer.fanOut) out[at + 4 * i + k] = params[layer.weightOffset + i * layer.fanOut + o]!;
        }
      }
      at += 4 * rows;
    }
    for (let o = 0; o < layer.fanOut; o++) out[at + o] = params[layer.biasOffset + o]!;
    at += 4 * groups;
  }
  return out;
}
