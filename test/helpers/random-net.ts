import { parameterCount, type SirenArch } from '../../src/kernels/arch.js';

/**
 * The seeded LCG the wasm engine/forward tests use, uniform in [0, 1).
 * The product is computed in float64 on purpose (it can exceed 2^53): keep the
 * expression as is so the tests' sequences, and hence their tolerances, hold.
 */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/**
 * SIREN-initialized parameters (uniform ±√(6/fanIn)/ω, first layer ±1/fanIn), as in a real fit,
 * drawn from `random` (which keeps its state for further draws).
 */
export function sirenParams(arch: SirenArch, random: () => number): Float32Array {
  const params = new Float32Array(parameterCount(arch));
  let offset = 0;
  for (let l = 0; l <= arch.depth; l++) {
    const fanIn = l === 0 ? arch.inputs : arch.width;
    const fanOut = l === arch.depth ? arch.outputs : arch.width;
    const bound = l === 0 ? 1 / fanIn : Math.sqrt(6 / fanIn) / arch.omega;
    for (let i = 0; i < (fanIn + 1) * fanOut; i++) params[offset + i] = (random() * 2 - 1) * bound;
    offset += (fanIn + 1) * fanOut;
  }
  return params;
}

/** SIREN-initialized parameters from a fresh `lcg(seed)`. */
export function randomSirenParams(arch: SirenArch, seed: number): Float32Array {
  return sirenParams(arch, lcg(seed));
}

/** The largest difference between `got` and `want`, relative to the largest magnitude in `want`. */
export function largestRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let err = 0;
  let magnitude = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    magnitude = Math.max(magnitude, Math.abs(want[i]!));
  }
  return err / magnitude;
}
