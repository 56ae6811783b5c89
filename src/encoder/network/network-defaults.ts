import { parameterCount, type SirenArch } from '../../kernels/arch.js';
import { BATCH_ROW_GRANULE } from './engine.js';

/*
 * The sinusoidal networks' defaults, for every signal: their shape for a rate, WS α, mini-batches of a size the
 * signal picks, warm-up and fine-tuning. What each signal sets for itself (the image's tiles, passes, learning
 * rate, batch size and residual share; audio's steps, rate and batch) is in ../image/image-defaults.ts and
 * ../audio/audio-defaults.ts.
 */

/** ω in every sine layer, as in SIREN and the WS paper. */
export const DEFAULT_OMEGA = 30;

/** Sine layers when only a rate is given (audio; images where `defaultImageDepth` does not pick 4); see docs/studies.md. */
export const DEFAULT_DEPTH = 3;

/** Narrowest network the rate control will pick. */
export const MIN_WIDTH = 4;

/** Widest network the rate control will pick. */
export const MAX_WIDTH = 1024;

/**
 * Coded bits per parameter the rate control plans for, at every rate: it sizes the
 * network so that its weights at this many bits each fill the budget, then
 * searches the quantization steps that hit the budget exactly. Fewer bits per
 * weight buy more weights. Measured at native resolution (docs/studies.md,
 * 384×256 crops): 6 is best at 0.5 and 1 bpp (+0.5 dB over 7 at 1 bpp,
 * bench/results/study-native-bits.jsonl) and at 2 bpp (+0.6 dB over 7, 5
 * below both: study-native-bits-2bpp.jsonl). On images scaled down to 192×128
 * (study-bitsPerParam.jsonl) 7 had been best at 1 bpp, and 7 was the plan at
 * 2 bpp until it was measured natively.
 */
export const DEFAULT_BITS_PER_PARAM = 6;

/** Bytes of container and header per file, plus per network and per tensor (spec §2–§3), for planning. */
export const PLANNED_FILE_OVERHEAD_BYTES = 24 + 165;
export const PLANNED_NETWORK_OVERHEAD_BYTES = 10;
export const PLANNED_TENSOR_OVERHEAD_BYTES = 5;

/**
 * The widest network of `depth` sine layers for one of `networks` equal
 * tiles whose weights, at `bitsPerParam` coded bits each, fit a file of
 * `bpp` bits per pixel over `pixels` pixels.
 */
export function architectureForRate(options: {
  bpp: number; pixels: number; inputs: number; outputs: number; networks?: number; depth?: number; omega?: number; bitsPerParam?: number;
}): SirenArch {
  const depth = options.depth ?? DEFAULT_DEPTH;
  const networks = options.networks ?? 1;
  const overheadBytes = PLANNED_FILE_OVERHEAD_BYTES
    + networks * (PLANNED_NETWORK_OVERHEAD_BYTES + 2 * (depth + 1) * PLANNED_TENSOR_OVERHEAD_BYTES);
  const budgetBits = options.bpp * options.pixels - overheadBytes * 8;
  const budgetParams = budgetBits / networks / (options.bitsPerParam ?? DEFAULT_BITS_PER_PARAM);
  const base = { inputs: options.inputs, outputs: options.outputs, depth, omega: options.omega ?? DEFAULT_OMEGA };
  let width = MIN_WIDTH;
  while (width < MAX_WIDTH && parameterCount({ ...base, width: width + 1 }) <= budgetParams) width++;
  return { ...base, width };
}

/**
 * Default WS scale α for a network of `width` units. The paper's 2.5 is tuned
 * for width 512; small compression networks want less. Measured here
 * (docs/studies.md, bench/results/study-alpha.jsonl): α = 1, plain SIREN
 * initialization, is best at every width the rate control picks up to 64;
 * the WS paper's gain shows from width 256 (docs/ws-and-engines.md). In between, α
 * rises by 0.75 per doubling of width.
 */
export function defaultAlpha(width: number): number {
  return Math.min(2.5, Math.max(1, 1 + 0.75 * (Math.log2(width) - 6)));
}

/**
 * Points per mini-batch for a tile of `points` points at about `batchPoints`
 * a batch (0: no mini-batches): equal batches, rounded up to whole
 * BATCH_ROW_GRANULEs. Undefined, one batch of every point, for tiles that
 * would not make two batches.
 */
export function batchRowsFor(points: number, batchPoints: number): number | undefined {
  if (!Number.isFinite(batchPoints) || batchPoints < 0) throw new RangeError(`Expected 0 or a positive number of points per batch but received ${String(batchPoints)}`);
  const batches = batchPoints === 0 ? 1 : Math.round(points / Math.max(batchPoints, BATCH_ROW_GRANULE));
  if (batches < 2) return undefined;
  const rows = Math.ceil(points / batches / BATCH_ROW_GRANULE) * BATCH_ROW_GRANULE;
  return rows < points ? rows : undefined;
}

/**
 * Fraction of the fit that warms the learning rate up from a tenth of its
 * peak (docs/studies.md, bench/results/study-warmup.jsonl): on mini-batches
 * a fit at the full rate from the first step can lose its way for hundreds of
 * passes (kodim13 at 2 bpp: 27.2 dB without, 29.3 with); on the mean it
 * gains 0.18, 0.03 and 0.50 dB at 0.5, 1 and 2 bpp, with swings both ways per image.
 */
export const DEFAULT_WARMUP = 0.05;

/**
 * Quantization-aware fine-tuning steps as a fraction of the fit's, where a
 * signal fine-tunes by default (audio). Images do not (DEFAULT_IMAGE_QAT_STEPS).
 */
export const QAT_STEP_FRACTION = 0.1;

/** Share of a --time budget kept back for coding and measuring the result when nothing is fine-tuned. */
export const FINISH_TIME_FRACTION = 0.03;

/** Peak learning rate of the fine-tuning as a fraction of the fit's. */
export const QAT_LR_FRACTION = 0.1;

/** Share of a --time budget spent on fine-tuning (the rest fits). */
export const QAT_TIME_FRACTION = 0.12;
