import { parameterCount, type SirenArch } from '../kernels/arch.js';

/** ω in every sine layer, as in SIREN and the WS paper. */
export const DEFAULT_OMEGA = 30;
/** Sine layers when only a rate is given; see README "Defaults". */
export const DEFAULT_DEPTH = 3;
/** Narrowest network the rate control will pick. */
export const MIN_WIDTH = 4;

/**
 * Bits a quantized parameter costs after entropy coding, as a fraction of
 * its quantization bits. Trained SIREN weights are peaked around zero, so the
 * range coder saves about an eighth at 8 bits. Used only to size the network
 * for a requested rate; the file reports the real size.
 */
const CODED_FRACTION = 0.87;

/** Bytes the container and header take besides the weights (spec §2). */
export const CONTAINER_OVERHEAD_BYTES = 24 + 280;

/**
 * The widest network of `depth` sine layers whose coded weights fit
 * `bpp` bits per pixel over `pixels` pixels, at `bits` bits per weight.
 */
export function architectureForRate(options: {
  bpp: number; pixels: number; bits: number; inputs: number; outputs: number; depth?: number; omega?: number;
}): SirenArch {
  const depth = options.depth ?? DEFAULT_DEPTH;
  const budgetBits = options.bpp * options.pixels - CONTAINER_OVERHEAD_BYTES * 8;
  const budgetParams = budgetBits / (options.bits * CODED_FRACTION);
  let width = MIN_WIDTH;
  const base = { inputs: options.inputs, outputs: options.outputs, depth, omega: options.omega ?? DEFAULT_OMEGA };
  while (parameterCount({ ...base, width: width + 1 }) <= budgetParams) width++;
  return { ...base, width };
}

/**
 * Default WS scale α for a network of `width` units. The paper's 2.5 is tuned
 * for width 512; small compression networks want less (README "Defaults"):
 * α rises by 0.5 per doubling of width, from 1 (plain SIREN init) at width
 * ≤ 32 through 1.5 at 64 to 2.5 at ≥ 256.
 */
export function defaultAlpha(width: number): number {
  return Math.min(2.5, Math.max(1, 1 + 0.5 * (Math.log2(width) - 5)));
}

/** Default peak Adam learning rate (README "Defaults"). */
export const DEFAULT_LR = 3e-3;
/** Default Adam steps for `encode`. */
export const DEFAULT_STEPS = 1000;
/** Default quantization bits per weight. */
export const DEFAULT_BITS = 8;
/** Default target rate when no architecture is given. */
export const DEFAULT_BPP = 1;
