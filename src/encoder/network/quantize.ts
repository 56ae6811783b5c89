import { gridStepAtLeast, type QuantizedTensor } from '../../format/index.js';

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
 * rounded up to the step grid of the compact tensor table (step-grid.ts,
 * eighths of an octave), which the file stores in one byte; a step above
 * the grid's largest (2^7.875) stays a float32. That is what the decoder
 * multiplies by.
 */
export function quantizeWithStep(weights: ArrayLike<number>, requestedStep: number): QuantizedTensor {
  const largest = largestMagnitude(weights);
  const top16 = maxLevel(16);
  let step = Math.fround(largest > 0 ? Math.max(requestedStep, largest / top16) : 1);
  while (Math.round(largest / step) > top16) step = Math.fround(step * (1 + 2 ** -20));
  // On the grid of the compact table (spec §3.4, x.3): a byte per step in the header instead of four. Never
  // finer than asked, so no level grows past its bits; the rate control's search absorbs the coarser steps.
  step = gridStepAtLeast(step) ?? step;
  const values = new Int32Array(weights.length);
  let top = 0;
  for (let i = 0; i < weights.length; i++) {
    const q = Math.round(weights[i]! / step);
    values[i] = q;
    top = Math.max(top, Math.abs(q));
  }
  return { bits: bitsForLevel(top), step, values };
}
