/**
 * Fits the DCT residual of spec §4.7 (kernels/residual.ts) to what the
 * networks and the filter left of a photo: the residual in YCbCr (chroma
 * averaged over 2 × 2), each 8 × 8 block's DCT, its first coefficients in
 * zigzag order quantized with a dead zone, then by rate and distortion
 * (residual-rdo.ts), at the finest step whose coded size fits the bytes
 * the rate control left for it. Among a few shapes (counts of coefficients,
 * steps graded by frequency) it keeps the one that decodes closest to the
 * source. Measured in docs/studies.md ("A DCT residual for the mid
 * frequencies" and the sections after it).
 */
import { colourChannels, NATIVE_SCALE } from '../../kernels/post-filter.js';
import {
  MAX_RESIDUAL_COEFFICIENTS, RESIDUAL_BLOCK, coefficientSteps, dctBasis, residualPlanes, residualStepScales, ZIGZAG,
  type AdaptiveStep, type ImageResidual, type ResidualPlane,
} from '../../kernels/residual.js';
import { rasterFromField } from '../../kernels/render.js';
import { encodeResidualValues, MAX_RESIDUAL_STEP } from '../../format/residual.js';
import type { FieldImage } from '../../kernels/post-filter.js';
import { psnr } from '../../metrics/psnr.js';
import { msSsim, msSsimScales } from '../../metrics/ms-ssim.js';
import { luma, type Raster } from '../../raster.js';
import { optimizeResidual, type RdoInput } from './residual-rdo.js';

/** Most bytes of a residual: it lives in the header, which readers refuse past 1 MiB (spec §8), beside the networks' entries. */
export const MAX_RESIDUAL_BYTES = 768 * 1024;

/** Luma coefficients a block may keep, tried in turn with one step for every coefficient. */
export const RESIDUAL_LUMA_COUNTS = [10, 15, 21, 28, 36, 45, 64] as const;
/** Gradients (spec §3.11, in sixteenths) tried with all 64 coefficients: the step coarsens with frequency instead of a cut-off. */
export const RESIDUAL_GRADIENTS = [8, 16, 32, 48, 64] as const;

/**
 * One residual the fit tries: `count` luma coefficients a block at a step growing by `gradient`, `chroma` a chroma
 * block (CHROMA_COEFFICIENTS where absent), quantized with texture masking at σ₀ = `masking` where given.
 */
export interface ResidualShape {
  readonly count: number;
  readonly gradient: number;
  readonly chroma?: number;
  /**
   * σ₀ of texture masking in the rate–distortion quantization, in 8-bit levels: a block's error weighs
   * 1 / (1 + σ²/σ₀²), σ² the source's luma variance over the block, normalized to a mean of 1 a plane, so that bits
   * move from busy blocks, where an error hides, to flat ones, where it shows (as mozjpeg weighs λ by a block's
   * energy). Absent or 0: every block weighs the same. The stream does not record it: only the encoder's choice of
   * values changes.
   */
  readonly masking?: number;
  /**
   * Steps that grow with the field's activity (spec §3.11 `a`, `e`): each block's step × (1 + V/σ₀²)^(exponent/16),
   * V the variance of the field's luma over it, which the decoder computes too, so it costs no bits. Unlike
   * masking, which only drops values in busy blocks, it spends finer steps on the flat blocks, where MS-SSIM and
   * the eye see an error.
   */
  readonly adaptive?: AdaptiveStep;
}

/**
 * How the fit picks its residual: the best decode among `shapes` by PSNR,
 * by MS-SSIM, or by PSNR + `msSsimWeight` × MS-SSIM in dB (−10·log₁₀(1 − MS-SSIM)).
 */
export interface ResidualChoice {
  readonly shapes: readonly ResidualShape[];
  readonly by: 'psnr' | 'ms-ssim' | 'both';
  readonly msSsimWeight?: number;
  /** λ of the rate–distortion optimized quantization in squared steps a bit (residual-rdo.ts); absent or 0: the dead zone alone. */
  readonly rdo?: number;
  /**
   * Fill the budget closer: at the finest step that fits, lower λ until the bytes left are taken. A step is a whole
   * number of sixteenths of a level, and at the fine steps of high rates one more costs 1–2 % of the residual's bytes,
   * which the file then lacks (kodim19 at 2 bpp landed 2.2 % short). What the encoder's last fit of its chosen shape
   * asks for; the search among shapes does without (each shape's λ search would cost it as much again).
   */
  readonly fill?: boolean;
}

/** The uniform step at each count, then every gradient with all coefficients. */
export const RESIDUAL_SHAPES: readonly ResidualShape[] = [
  ...RESIDUAL_LUMA_COUNTS.map((count) => ({ count, gradient: 0 })),
  ...RESIDUAL_GRADIENTS.map((gradient) => ({ count: 64, gradient })),
];

/** Every graded shape again, quantized as `how` says (texture masking, adaptive steps): these only act on all 64 coefficients. */
function gradedShapes(how: Pick<ResidualShape, 'masking' | 'adaptive'>): ResidualShape[] {
  return RESIDUAL_GRADIENTS.map((gradient) => ({ count: 64, gradient, ...how }));
}

/**
 * The adaptive steps `balanced` and `ssim` try (σ₀ 10 levels, exponent 4/16: a block of luma deviation 10 gets its
 * step × 1.19, one of 20 × 1.50, one of 40 × 2.03): with masking at σ₀ 30 they lifted MS-SSIM at equal PSNR by
 * +0.0007 to +0.0039 on busy photos' networks (kodim05 and 13 at 1 bpp, kodim13 at 0.5) and +0.0002 to +0.0004 on
 * smooth ones; unmasked, next to nothing. σ₀ 5 did as well, σ₀ 20 and other exponents no better (docs/studies.md,
 * "Adaptive steps for the residual"; bench/results/residual-adaptive-s37/).
 */
export const RESIDUAL_ADAPTIVE_STEP = { sigma: 10, exponent: 4 } as const;

/**
 * What `balanced` tries beside the plain shapes: the graded ones masked at σ₀ 60, and with adaptive steps masked at
 * σ₀ 30 (masking drops values in busy blocks, adaptive steps refine the flat ones: together they beat either). In
 * place of session 36's masked shapes at σ₀ 30 and 60, as many shapes, so an encode takes the time it took: on busy
 * photos the pick moved by +0.02 to +0.04 dB and +0.0007 to +0.0019 of MS-SSIM at 1 bpp, −0.08 dB and +0.0039 at
 * 0.5; on smooth ones kodim07 and kodim17 at 0.5 bpp kept their pick, kodim17 at 1 bpp moved by −0.28 dB and
 * +0.0008 (docs/studies.md, "Adaptive steps for the residual").
 */
export const BALANCED_EXTRA_SHAPES = [...gradedShapes({ masking: 60 }), ...gradedShapes({ masking: 30, adaptive: RESIDUAL_ADAPTIVE_STEP })];
/** What `ssim` tries beside the plain shapes: the two settings of the study that reached the highest MS-SSIM. */
export const SSIM_EXTRA_SHAPES = [
  ...gradedShapes({ masking: 30, adaptive: RESIDUAL_ADAPTIVE_STEP }), ...gradedShapes({ masking: 30, adaptive: { sigma: 10, exponent: 6 } }),
];

/**
 * λ of the residual's rate–distortion optimized quantization (residual-rdo.ts), in squared steps a bit: on
 * kodim13's networks at 1 bpp, 0.12 beat 0.06 and 0.2 at every pick (bench/results/residual-rdo-s34.txt).
 */
export const RESIDUAL_RDO_LAMBDA = 0.12;

/** The plain shapes ranked by PSNR, quantized by rate and distortion: what `--tune psnr` keeps, and `fitResidual`'s default. */
export const PSNR_CHOICE: ResidualChoice = { shapes: RESIDUAL_SHAPES, by: 'psnr', rdo: RESIDUAL_RDO_LAMBDA };

/**
 * Chroma coefficients a block: frequencies up to 3. At 0.5 bpp the steps are coarse enough that chroma beyond the
 * first three coefficients rounds to zero (3 to 28 gave the same decode to 0.002 dB); at 1 bpp, with finer steps, 10
 * gave +0.02 to +0.06 dB over 3 on kodim07 and up to +0.014 on kodim05, at equal MS-SSIM, and 15–28 no more
 * (docs/studies.md, "Where mozjpeg's MS-SSIM comes from"; bench/results/residual-quantizer-s32.txt).
 */
const CHROMA_COEFFICIENTS = 10;
/**
 * Values within this fraction of a step above a half-step round towards zero: cheaper zeros, little error (as JPEG
 * encoders do). 0.3 beat 0.1, 0.2 and 0.4 by 0.02–0.15 dB on three photos (docs/studies.md, "A DCT residual").
 */
const DEAD_ZONE = 0.3;
/** Bytes of the `res` map besides its coded stream: keys, four integers and the bin's length (spec §3.11); `g` adds 3–4, which the encoder's refit takes back. */
export const RESIDUAL_MAP_BYTES = 24;

/** Each plane's blocks' DCT coefficients, 64 a block in zigzag order (orthonormal, in 8-bit levels). */
interface PlaneCoefficients {
  readonly plane: ResidualPlane;
  readonly dct: Float64Array;
}

/** The source minus the field (in 8-bit levels), as Y, Cb and Cr planes (chroma at half size), or Y alone for gray. */
function residualPlanesOf(source: Raster, field: FieldImage): Float64Array[] {
  const { width, height, channels } = source;
  const level = (i: number): number => source.data[i]! - ((field.values[i]! + 1) / 2) * 255;
  const y = new Float64Array(width * height);
  if (colourChannels(channels) === 1) {
    for (let p = 0; p < width * height; p++) y[p] = level(p * channels);
    return [y];
  }
  const cw = Math.ceil(width / 2), ch = Math.ceil(height / 2);
  const cb = new Float64Array(cw * ch), cr = new Float64Array(cw * ch), count = new Float64Array(cw * ch);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const p = row * width + col;
      const r = level(p * channels), g = level(p * channels + 1), b = level(p * channels + 2);
      y[p] = 0.299 * r + 0.587 * g + 0.114 * b;
      const c = (row >> 1) * cw + (col >> 1);
      cb[c]! += -0.168736 * r - 0.331264 * g + 0.5 * b;
      cr[c]! += 0.5 * r - 0.418688 * g - 0.081312 * b;
      count[c]!++;
    }
  }
  for (let c = 0; c < cw * ch; c++) {
    cb[c]! /= count[c]!;
    cr[c]! /= count[c]!;
  }
  return [y, cb, cr];
}

/** 64 DCT coefficients a block of `samples` (a `plane`'s size), in zigzag order; samples past the edge repeat the last. */
function blockDct(samples: Float64Array, plane: ResidualPlane): Float64Array {
  const n = RESIDUAL_BLOCK;
  const basis = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let t = 0; t < n; t++) basis[k * n + t] = dctBasis(k, t);
  const out = new Float64Array(plane.blocksX * plane.blocksY * n * n);
  const block = new Float64Array(n * n), rows = new Float64Array(n * n);
  for (let by = 0; by < plane.blocksY; by++) {
    for (let bx = 0; bx < plane.blocksX; bx++) {
      for (let t = 0; t < n; t++) {
        const row = Math.min(by * n + t, plane.height - 1);
        for (let s = 0; s < n; s++) block[t * n + s] = samples[row * plane.width + Math.min(bx * n + s, plane.width - 1)]!;
      }
      // Rows, then columns: rows[t][u] = Σ_s block[t][s]·basis[u][s]; out[v][u] = Σ_t rows[t][u]·basis[v][t].
      for (let t = 0; t < n; t++) {
        for (let u = 0; u < n; u++) {
          let sum = 0;
          for (let s = 0; s < n; s++) sum += block[t * n + s]! * basis[u * n + s]!;
          rows[t * n + u] = sum;
        }
      }
      const at = (by * plane.blocksX + bx) * n * n;
      ZIGZAG.forEach(([v, u], z) => {
        let sum = 0;
        for (let t = 0; t < n; t++) sum += rows[t * n + u]! * basis[v * n + t]!;
        out[at + z] = sum;
      });
    }
  }
  return out;
}

/**
 * The residual of `coefficients` at steps of `step` units (RESIDUAL_STEP_UNIT) graded by `gradient`, a luma block
 * keeping `count` coefficients and a chroma block `chroma`, each block's step × its `stepScales` where given.
 */
function quantized(
  planes: readonly PlaneCoefficients[], source: Raster, { count: luma, gradient, chroma: chromaCount = CHROMA_COEFFICIENTS, adaptive }: ResidualShape,
  step: number, rdo = 0, blocks?: RdoBlocks, stepScales?: readonly Float64Array[],
): { residual: ImageResidual; planes: ResidualPlane[] } {
  const chroma = planes.length > 1 ? chromaCount : 0;
  const layout = residualPlanes(source.width, source.height, colourChannels(source.channels), luma, chroma);
  const last = layout[layout.length - 1]!;
  const values = new Int16Array(last.offset + last.blocksX * last.blocksY * last.coefficients);
  // One step for luma and chroma: chroma's at 0.7, 1.5 or 2 times luma's was within ±0.04 dB on three photos.
  const steps = coefficientSteps(step, gradient);
  layout.forEach((plane, p) => {
    const { dct } = planes[p]!;
    const blocks = plane.blocksX * plane.blocksY;
    for (let b = 0; b < blocks; b++) {
      const scale = stepScales ? stepScales[p]![b]! : 1;
      for (let c = 0; c < plane.coefficients; c++) {
        const x = dct[b * MAX_RESIDUAL_COEFFICIENTS + c]! / (steps[c]! * scale);
        const m = Math.min(32_767, Math.max(0, Math.floor(Math.abs(x) + 0.5 - DEAD_ZONE)));
        values[plane.offset + b * plane.coefficients + c] = x < 0 ? -m : m;
      }
    }
  });
  if (rdo > 0) optimizeResidual({ planes: layout, values, steps, ...(blocks ?? rdoBlocks(planes, undefined, undefined)) }, rdo);
  const residual = {
    lumaCoefficients: luma, chromaCoefficients: chroma, lumaStep: step, chromaStep: step, ...(gradient > 0 ? { gradient } : {}), ...(adaptive ? { adaptive } : {}), values,
  };
  return { residual, planes: layout };
}

/** What the rate–distortion quantization reads of each block, the same at every step of a shape. */
type RdoBlocks = Pick<RdoInput, 'dct' | 'blockWeights'>;

/**
 * The rate–distortion quantization's coefficients and block weights for a shape, once a shape. With block step
 * scales the coefficients are divided by them, so that its error stays in squared steps of each block, and each
 * block's weight is multiplied by its scale squared, so that a step of a busy block counts as the levels it stands
 * for (normalized to a mean of 1 a plane, as masking's).
 */
function rdoBlocks(
  planes: readonly PlaneCoefficients[], blockWeights: readonly Float64Array[] | undefined, stepScales: readonly Float64Array[] | undefined,
): RdoBlocks {
  if (stepScales === undefined) return { dct: planes.map((p) => p.dct), ...(blockWeights ? { blockWeights } : {}) };
  const dct = planes.map(({ dct }, p) => dct.map((v, i) => v / stepScales[p]![Math.floor(i / MAX_RESIDUAL_COEFFICIENTS)]!));
  const weights = stepScales.map((scales, p) => meanOne(scales.map((scale, b) => scale * scale * (blockWeights?.[p]![b] ?? 1))));
  return { dct, blockWeights: weights };
}

/** `weights` divided by their mean, so that λ keeps its meaning. */
function meanOne(weights: Float64Array): Float64Array {
  let total = 0;
  for (const weight of weights) total += weight;
  const mean = total / weights.length;
  return weights.map((weight) => weight / mean);
}

/** A fitted residual, its coded size in the `res` map, and the shape it has. */
export interface ResidualFit {
  readonly residual: ImageResidual;
  readonly bytes: number;
  readonly shape: ResidualShape;
}

/** A fit of one of the shapes tried, with its place among `choice.shapes` and its score (`choice.by`): what `bestResidual` ranks. */
export interface RankedResidualFit extends ResidualFit {
  readonly index: number;
  readonly quality: number;
}

/**
 * The residual that decodes `field` (the filtered field at the source's
 * size, as the decoder renders it) closest to `source` in at most
 * `budget` bytes of the `res` map, keeping the best of `choice.shapes` by
 * `choice.by` (and telling which), or undefined when even the coarsest step does not fit.
 */
export function fitResidual(source: Raster, field: FieldImage, budget: number, choice: ResidualChoice = PSNR_CHOICE): ResidualFit | undefined {
  return unranked(fitResidualShapes(source, field, budget, choice));
}

/** The fit without its rank: what a search returns. */
export function unranked(fit: RankedResidualFit | undefined): ResidualFit | undefined {
  return fit && { residual: fit.residual, bytes: fit.bytes, shape: fit.shape };
}

/**
 * The best residual among the shapes of `choice.shapes` at `indices` (default all), as `fitResidual`; a search
 * split between threads (residual-threads.ts) runs a share of the indices on each and keeps `bestResidual` of
 * their answers, which is the one a single search would keep. Past `deadline` (a `Date.now()`, --time) it tries
 * no further shape once it has one that fits.
 */
export function fitResidualShapes(
  source: Raster, field: FieldImage, budget: number, choice: ResidualChoice, indices?: readonly number[], deadline?: number,
): RankedResidualFit | undefined {
  const room = budget - RESIDUAL_MAP_BYTES;
  if (room <= 0) return undefined;
  const samples = residualPlanesOf(source, field);
  const planes = residualPlanes(source.width, source.height, colourChannels(source.channels), MAX_RESIDUAL_COEFFICIENTS, samples.length > 1 ? MAX_RESIDUAL_COEFFICIENTS : 0)
    .map((plane, p) => ({ plane, dct: blockDct(samples[p]!, plane) }));
  // The blocks' variances once, and each σ₀'s weights once, for all the shapes that mask with it.
  let variances: Float64Array[] | undefined;
  const weightsBySigma = new Map<number, Float64Array[]>();
  const weightsOf = (sigma: number): Float64Array[] => {
    variances ??= blockLumaVariances(source, planes.map((p) => p.plane));
    if (!weightsBySigma.has(sigma)) weightsBySigma.set(sigma, maskingWeights(variances, sigma));
    return weightsBySigma.get(sigma)!;
  };
  // Each adaptive setting's step scales once, from the field as the decoder renders it at this size.
  const scalesBySetting = new Map<string, Float64Array[]>();
  const scalesOf = (adaptive: AdaptiveStep): Float64Array[] => {
    const key = `${adaptive.sigma}/${adaptive.exponent}`;
    if (!scalesBySetting.has(key)) scalesBySetting.set(key, residualStepScales(field, { lumaCoefficients: 1, chromaCoefficients: samples.length > 1 ? 1 : 0, adaptive })!);
    return scalesBySetting.get(key)!;
  };
  let best: RankedResidualFit | undefined;
  for (const index of indices ?? choice.shapes.keys()) {
    if (best !== undefined && deadline !== undefined && Date.now() >= deadline) break;
    const shape = choice.shapes[index]!;
    const blockWeights = shape.masking ? weightsOf(shape.masking) : undefined;
    const stepScales = shape.adaptive ? scalesOf(shape.adaptive) : undefined;
    const blocks = choice.rdo ? rdoBlocks(planes, blockWeights, stepScales) : undefined;
    // The finest step that fits: the coded size falls as the step grows, so bisect on it, first with the dead zone
    // alone (quick), then, with the rate–distortion quantization, below that step: it codes a step in fewer bytes.
    // The residuals that fit, by step, as the search meets them: the step it ends on is one of them, so that the
    // kept residual is not quantized and coded once more.
    const fitting = new Map<number, CodedResidual>();
    // The residual at a step and λ, and its coded size.
    const codedAt = (step: number, rdo: number): CodedResidual => {
      const q = quantized(planes, source, shape, step, rdo, blocks, stepScales);
      return { residual: q.residual, size: encodeResidualValues(q.planes, q.residual.values).length };
    };
    const sizeAt = (step: number, rdo = 0): number => {
      const coded = codedAt(step, rdo);
      if (coded.size <= room) fitting.set(step, coded);
      return coded.size;
    };
    const plain = finestStep((step) => sizeAt(step), room, 1, MAX_RESIDUAL_STEP);
    if (plain === undefined) continue;
    const rdo = choice.rdo ?? 0;
    if (rdo > 0) fitting.clear();
    const step = rdo > 0 ? finestRdoStep((step) => sizeAt(step, rdo), room, plain) : plain;
    if (step === undefined) continue;
    const { residual, size } = choice.fill && rdo > 0
      ? filledAtStep((lambda) => codedAt(step, lambda), room, rdo, fitting.get(step)!)
      : fitting.get(step)!;
    const quality = qualityOf(source, rasterFromField(field, NATIVE_SCALE, { residual }), choice);
    const fit = { residual, bytes: size + RESIDUAL_MAP_BYTES, shape, index, quality };
    best = best === undefined ? fit : bestResidual([best, fit]);
  }
  return best;
}

/** The fit with the highest score; among equal scores the one of the earliest shape, as one search in shape order keeps. */
export function bestResidual(fits: readonly (RankedResidualFit | undefined)[]): RankedResidualFit | undefined {
  let best: RankedResidualFit | undefined;
  for (const fit of fits) {
    if (fit !== undefined && (best === undefined || fit.quality > best.quality || (fit.quality === best.quality && fit.index < best.index))) best = fit;
  }
  return best;
}

/** The variance of the source's luma over the pixels each block of each plane covers (8 × 8 for luma, 16 × 16 for chroma). */
function blockLumaVariances(source: Raster, planes: readonly ResidualPlane[]): Float64Array[] {
  const { width, height } = source;
  const values = luma(source);
  return planes.map((plane) => {
    const side = RESIDUAL_BLOCK * plane.factor;
    const variances = new Float64Array(plane.blocksX * plane.blocksY);
    for (let by = 0; by < plane.blocksY; by++) {
      for (let bx = 0; bx < plane.blocksX; bx++) {
        let sum = 0, squares = 0, n = 0;
        for (let y = by * side; y < Math.min(height, (by + 1) * side); y++) {
          for (let x = bx * side; x < Math.min(width, (bx + 1) * side); x++) {
            const v = values[y * width + x]!;
            sum += v; squares += v * v; n++;
          }
        }
        variances[by * plane.blocksX + bx] = n > 0 ? Math.max(0, squares / n - (sum / n) ** 2) : 0;
      }
    }
    return variances;
  });
}

/**
 * Each plane's blocks' weights of error under texture masking at `sigma0` (ResidualShape.masking): 1 / (1 + σ²/σ₀²)
 * for a block of luma variance σ², normalized to a mean of 1 a plane so that λ keeps its meaning.
 */
function maskingWeights(variances: readonly Float64Array[], sigma0: number): Float64Array[] {
  return variances.map((plane) => meanOne(plane.map((variance) => 1 / (1 + variance / (sigma0 * sigma0)))));
}

/**
 * The finest step in [lo, hi] whose coded `size` fits `room`, by bisection on the log of the step (the size falls as
 * the step grows); undefined where even `hi` does not fit.
 */
function finestStep(size: (step: number) => number, room: number, lo: number, hi: number): number | undefined {
  if (size(hi) > room) return undefined;
  if (size(lo) <= room) return lo;
  while (hi - lo > 1) {
    const mid = Math.round(Math.sqrt(lo * hi));
    if (size(mid) <= room) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The finest step whose rate–distortion quantized `size` fits `room`, searched from `plain`, the dead zone's: the
 * quantization drops what costs more bits than it buys, so its step is finer, within half of it so far (bisecting
 * that octave takes about 8 sizes where 1 to MAX_RESIDUAL_STEP takes 12–16); further down or up where it is not.
 */
function finestRdoStep(size: (step: number) => number, room: number, plain: number): number | undefined {
  const half = Math.max(1, Math.floor(plain / 2));
  const step = finestStep(size, room, half, plain);
  if (step === undefined) return finestStep(size, room, plain, MAX_RESIDUAL_STEP);
  return step === half && half > 1 ? finestStep(size, room, 1, half) : step;
}

/** A quantized residual and the bytes of its coded stream. */
interface CodedResidual {
  readonly residual: ImageResidual;
  readonly size: number;
}

/** Sizes `filledAtStep` tries at most: the size is smooth in log λ, so the bytes left fall fast. */
const FILL_TRIES = 4;
/** Bytes left, as a share of the room, at which `filledAtStep` stops: 0.2 %, a few hundredths of a dB. */
const FILL_TOLERANCE = 0.002;
/** The smallest λ `filledAtStep` tries, as a share of the default: a step's worth of bytes lies well within it. */
const FILL_LAMBDA_RANGE = 1 / 8;

/**
 * The residual at one step with the λ ≤ `lambda` whose coded size comes closest to `room` without passing it (a
 * smaller λ keeps more values, so the size grows as λ falls): regula falsi on log λ between `lambda` (where `fits`
 * was coded) and `lambda` × FILL_LAMBDA_RANGE. Returns `fits` where no smaller λ fits.
 */
function filledAtStep(codedAt: (lambda: number) => CodedResidual, room: number, lambda: number, fits: CodedResidual): CodedResidual {
  let best = fits;
  // Log λ where the size fits (`fitting`, bytes left `left` ≥ 0) and where it does not (`over`, `overLeft` < 0).
  let fitting = Math.log(lambda), left = room - fits.size;
  let over = Math.log(lambda * FILL_LAMBDA_RANGE), overLeft: number | undefined;
  for (let attempt = 0; attempt < FILL_TRIES && left > room * FILL_TOLERANCE; attempt++) {
    // Where the line through the two ends meets the room, kept off the ends so that each try narrows the bracket.
    const at = overLeft === undefined ? over : fitting + (over - fitting) * Math.min(0.9, Math.max(0.1, left / (left - overLeft)));
    const coded = codedAt(Math.exp(at));
    if (coded.size <= room) {
      fitting = at;
      left = room - coded.size;
      if (coded.size > best.size) best = coded;
    } else {
      over = at;
      overLeft = room - coded.size;
    }
  }
  return best;
}

/** The score `choice` ranks a decode by: higher is better. */
export function qualityOf(source: Raster, decoded: Raster, choice: ResidualChoice): number {
  // An image under 11 pixels a side has no MS-SSIM (its window does not fit): PSNR ranks the residuals there.
  if (choice.by === 'psnr' || msSsimScales(source.width, source.height) === 0) return psnr(source, decoded);
  const structure = msSsim(source, decoded).value;
  if (choice.by === 'ms-ssim') return structure;
  return psnr(source, decoded) - (choice.msSsimWeight ?? 1) * 10 * Math.log10(Math.max(1e-10, 1 - structure));
}
