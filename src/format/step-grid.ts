/**
 * The step grid of the compact tensor table `q` (spec §3.4, version x.3): a
 * step is one byte, its code c, standing for 2^((c − 192)/8), eighths of an
 * octave from 2^−24 to 2^7.875. Exactly, in float32:
 * STEP_MANTISSAS[c mod 8] × 2^(floor(c / 8) − 24), a power of two times one
 * of eight constants, so every reader computes the same step.
 */

/** fround(2^(j/8)) for j = 0 … 7, as the spec lists them (float32 0x3F800000, 0x3F8B95C2, …). */
export const STEP_MANTISSAS: readonly number[] = Object.freeze(
  [0x3f800000, 0x3f8b95c2, 0x3f9837f0, 0x3fa5fed7, 0x3fb504f3, 0x3fc5672a, 0x3fd744fd, 0x3feac0c7].map((bits) => {
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, bits);
    return view.getFloat32(0);
  }),
);

/** Codes 0 … 255; code 192 is a step of 1. */
export const STEP_CODES = 256;
const CODE_OF_ONE = 192;

/** The step of code `code` (an integer 0 … 255). */
export function stepOfCode(code: number): number {
  return STEP_MANTISSAS[code & 7]! * 2 ** ((code >> 3) - CODE_OF_ONE / 8);
}

/** The code whose step is exactly `step`, or undefined when `step` is not on the grid. */
export function codeOfStep(step: number): number | undefined {
  if (!(step > 0 && step < Infinity)) return undefined;
  const code = Math.round(8 * Math.log2(step)) + CODE_OF_ONE;
  return code >= 0 && code < STEP_CODES && stepOfCode(code) === step ? code : undefined;
}

/**
 * The finest step of the grid that is at least `step` (so a tensor's levels
 * never grow past what `step` gives), or undefined above the largest step.
 * Below the smallest, the smallest.
 */
export function gridStepAtLeast(step: number): number | undefined {
  if (!(step > 0)) return stepOfCode(0);
  let code = Math.max(0, Math.min(STEP_CODES - 1, Math.ceil(8 * Math.log2(step)) + CODE_OF_ONE));
  // log2 is not exact: settle on the neighbours.
  while (code > 0 && stepOfCode(code - 1) >= step) code -= 1;
  while (code < STEP_CODES && stepOfCode(code) < step) code += 1;
  return code < STEP_CODES ? stepOfCode(code) : undefined;
}
