import { layerShapes, type SirenArch } from '../kernels/arch.js';

/**
 * Rounding that looks at the layer's inputs (GPTQ, Frantar et al. 2023):
 * each layer's weights are rounded one input row at a time, and the error
 * each row leaves is pushed onto the rows not yet rounded so that the
 * layer's output over the training points, not each weight alone, stays
 * closest to the float one. The bias is the last row (its input is 1), so
 * it absorbs what is left on average. The decoder sees plain levels on the
 * same grid: this changes which level each weight gets, not the format.
 *
 * What a layer's output error costs is Σ_p w_p |Δz_p|² with Δz_p = x̃_p·ΔW
 * (x̃ = [x; 1], w_p the point's loss weight), a quadratic form in each
 * output unit's column of ΔW with the Gram matrix H = Σ_p w_p x̃_p x̃_pᵀ.
 */

/** Per layer, the (fanIn + 1)² Gram matrix of its inputs and a 1, row-major, over the points. */
export type LayerGrams = Float64Array[];

/**
 * The Gram matrices of every layer's inputs for the float network `params`,
 * over every `stride`-th of `count` encoded points. Plain float64 forward:
 * a tile's few tens of thousands of points at width ≤ 64 take a fraction
 * of a second.
 */
export function layerGrams(arch: SirenArch, params: Float32Array, inputs: Float32Array, weights: Float32Array | undefined, count: number, stride = 1): LayerGrams {
  const layers = layerShapes(arch);
  const grams = layers.map((layer) => new Float64Array((layer.fanIn + 1) ** 2));
  const span = Math.max(arch.inputs, arch.width, arch.outputs) + 1;
  let current = new Float64Array(span);
  let next = new Float64Array(span);
  for (let p = 0; p < count; p += stride) {
    const weight = weights ? weights[p]! : 1;
    for (let i = 0; i < arch.inputs; i++) current[i] = inputs[p * arch.inputs + i]!;
    layers.forEach((layer, l) => {
      const n = layer.fanIn + 1;
      current[layer.fanIn] = 1;
      const gram = grams[l]!;
      for (let i = 0; i < n; i++) {
        const xi = weight * current[i]!;
        if (xi === 0) continue;
        const row = i * n;
        for (let j = i; j < n; j++) gram[row + j]! += xi * current[j]!;
      }
      if (l === layers.length - 1) return;
      for (let o = 0; o < layer.fanOut; o++) {
        let z = params[layer.biasOffset + o]!;
        for (let i = 0; i < layer.fanIn; i++) z += current[i]! * params[layer.weightOffset + i * layer.fanOut + o]!;
        next[o] = layer.sine ? Math.sin(arch.omega * z) : z;
      }
      const swap = current;
      current = next;
      next = swap;
    });
  }
  for (const gram of grams) {
    const n = Math.round(Math.sqrt(gram.length));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) gram[i * n + j] = gram[j * n + i]!;
  }
  return grams;
}

/**
 * Per layer, the upper Cholesky factor U of the inverse of its damped H
 * (H⁻¹ = UᵀU) that `roundLayer` walks, or undefined where H is not positive
 * definite (that layer is rounded to nearest). Depends on the fit alone, so
 * the rate control's search reuses it at every slope.
 */
export function roundingFactors(grams: LayerGrams): (Float64Array | undefined)[] {
  return grams.map((gram) => inverseCholeskyUpper(gram, Math.round(Math.sqrt(gram.length)), GPTQ_DAMPING));
}

function inverseCholeskyUpper(gram: Float64Array, n: number, damping: number): Float64Array | undefined {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i]!;
  const h = Float64Array.from(gram);
  const damp = (damping * trace) / n;
  for (let i = 0; i < n; i++) h[i * n + i]! += damp;
  // H = L Lᵀ.
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= lower[i * n + k]! * lower[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        lower[i * n + i] = Math.sqrt(sum);
      } else {
        lower[i * n + j] = sum / lower[j * n + j]!;
      }
    }
  }
  // L⁻¹ (lower), then H⁻¹ = L⁻ᵀ L⁻¹.
  const lowerInverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    lowerInverse[i * n + i] = 1 / lower[i * n + i]!;
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= lower[i * n + k]! * lowerInverse[k * n + j]!;
      lowerInverse[i * n + j] = sum / lower[i * n + i]!;
    }
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += lowerInverse[k * n + i]! * lowerInverse[k * n + j]!;
      inverse[i * n + j] = sum;
      inverse[j * n + i] = sum;
    }
  }
  // H⁻¹ = UᵀU with U upper: U = (chol_lower(H⁻¹))ᵀ.
  const upper = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = inverse[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= upper[k * n + i]! * upper[k * n + j]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        upper[i * n + i] = Math.sqrt(sum);
      } else {
        upper[j * n + i] = sum / upper[j * n + j]!;
      }
    }
  }
  return upper;
}

/** Relative damping of H (GPTQ's 1 % of its mean diagonal): keeps the inverse stable where inputs are nearly dependent. */
export const GPTQ_DAMPING = 0.01;

/**
 * Rounds one layer, W (fanIn × fanOut, row-major) and b, to integer levels
 * of `weightStep` and `biasStep`, rows in input order and the bias last,
 * pushing each row's error onto the rows after it (`upper` from
 * `roundingFactors`).
 */
export function roundLayer(
  weights: Float32Array, bias: Float32Array, fanIn: number, fanOut: number, weightStep: number, biasStep: number, upper: Float64Array,
): { weights: Int32Array; bias: Int32Array } {
  const n = fanIn + 1;
  const work = new Float64Array(n * fanOut);
  for (let i = 0; i < fanIn * fanOut; i++) work[i] = weights[i]!;
  for (let o = 0; o < fanOut; o++) work[fanIn * fanOut + o] = bias[o]!;
  const levels = new Int32Array(n * fanOut);
  for (let i = 0; i < n; i++) {
    const step = i < fanIn ? weightStep : biasStep;
    const diagonal = upper[i * n + i]!;
    for (let o = 0; o < fanOut; o++) {
      const value = work[i * fanOut + o]!;
      const level = Math.round(value / step);
      levels[i * fanOut + o] = level;
      const error = (value - level * step) / diagonal;
      for (let j = i + 1; j < n; j++) work[j * fanOut + o]! -= error * upper[i * n + j]!;
    }
  }
  return { weights: levels.subarray(0, fanIn * fanOut), bias: levels.subarray(fanIn * fanOut) };
}
