import type { QuantizedTensor } from '../format/index.js';

/** Largest magnitude a `bits`-bit symmetric code can hold: 2^(bits−1) − 1. */
export function maxLevel(bits: number): number {
  return 2 ** (bits - 1) - 1;
}

/** Fewest bits (2–16) whose levels reach `level`; Infinity when 16 bits cannot. */
export function bitsForLevel(level: number): number {
  for (let bits = 2; bits <= 16; bits++) if (maxLevel(bits) >= level) return bits;
  return Infinity;
}

/** Largest magnitude in `weights`. */
export function largestMagnitude(weights: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < weights.length; i++) largest = Math.max(largest, Math.abs(weights[i]!));
  return largest;
}

/**
 * Uniform quantization of one tensor with a given step (spec §5): q =
 * round(w / step). The bits are the fewest that hold the largest |q|; when a
 * step is so fine that 16 bits cannot, it is widened to fit. The step is
 * rounded to float32 first, because that is what the file stores and what
 * the decoder multiplies by.
 */
export function quantizeWithStep(weights: ArrayLike<number>, requestedStep: number): QuantizedTensor {
  const largest = largestMagnitude(weights);
  const top16 = maxLevel(16);
  let step = Math.fround(largest > 0 ? Math.max(requestedStep, largest / top16) : 1);
  while (Math.round(largest / step) > top16) step = Math.fround(step * (1 + 2 ** -20));
  const values = new Int32Array(weights.length);
  let top = 0;
  for (let i = 0; i < weights.length; i++) {
    const q = Math.round(weights[i]! / step);
    values[i] = q;
    top = Math.max(top, Math.abs(q));
  }
  return { bits: bitsForLevel(top), step, values };
}
