import type { QuantizedTensor } from '../format/index.js';

/** Largest magnitude a `bits`-bit symmetric code can hold: 2^(bits−1) − 1. */
export function maxLevel(bits: number): number {
  return 2 ** (bits - 1) - 1;
}

/**
 * Uniform symmetric quantization of one tensor with the step that maps its
 * largest magnitude to the top level. The step is rounded to float32 first,
 * because that is what the file stores and what the decoder multiplies by.
 */
export function quantizeTensor(weights: ArrayLike<number>, bits: number): QuantizedTensor {
  let largest = 0;
  for (let i = 0; i < weights.length; i++) largest = Math.max(largest, Math.abs(weights[i]!));
  const top = maxLevel(bits);
  const step = largest > 0 ? Math.fround(largest / top) : 1;
  const values = new Int32Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    values[i] = Math.max(-top, Math.min(top, Math.round(weights[i]! / step)));
  }
  return { bits, step, values };
}
