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
export function quantizeWithStep(weights: ArrayLike<number>, requestedStep: number, rdo = 0): QuantizedTensor {
  const largest = largestMagnitude(weights);
  const top16 = maxLevel(16);
  let step = Math.fround(largest > 0 ? Math.max(requestedStep, largest / top16) : 1);
  while (Math.round(largest / step) > top16) step = Math.fround(step * (1 + 2 ** -20));
  const values = new Int32Array(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = Math.round(weights[i]! / step);
  if (rdo > 0) roundTowardCheaper(weights, step, values, rdo);
  let top = 0;
  for (let i = 0; i < values.length; i++) top = Math.max(top, Math.abs(values[i]!));
  return { bits: bitsForLevel(top), step, values };
}

/** Passes of `roundTowardCheaper` over a tensor: each re-estimates the rates from the levels the last one chose. */
const RDO_PASSES = 2;

/**
 * Rate–distortion rounding: moves a level one step toward zero where the
 * bits that saves are worth more than the error it adds, J = D + μ·R with
 * D the squared error in units of step² and μ = `strength` (step² per bit).
 * At the rate control's slope the high-rate theory gives μ = ln 2 / 6 ≈
 * 0.116 (s = λ/√h: dD/dR = −h·s²·ln 2/6). The rate of a level is read off
 * the tensor's own histogram of magnitudes (−log2 of its frequency, plus a
 * sign bit), which the adaptive coder (spec §6.5) approaches.
 */
function roundTowardCheaper(weights: ArrayLike<number>, step: number, values: Int32Array, strength: number): void {
  for (let pass = 0; pass < RDO_PASSES; pass++) {
    const counts = new Map<number, number>();
    for (let i = 0; i < values.length; i++) {
      const m = Math.abs(values[i]!);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    // Half a count for a level not yet used, so that it has a finite rate.
    const bitsOf = (m: number): number => -Math.log2(((counts.get(m) ?? 0) + 0.5) / (values.length + 0.5)) + (m === 0 ? 0 : 1);
    for (let i = 0; i < values.length; i++) {
      const q = values[i]!;
      if (q === 0) continue;
      const x = Math.abs(weights[i]!) / step;
      const m = Math.abs(q);
      const added = (x - (m - 1)) ** 2 - (x - m) ** 2;
      if (added < strength * (bitsOf(m) - bitsOf(m - 1))) values[i] = q > 0 ? q - 1 : q + 1;
    }
  }
}
