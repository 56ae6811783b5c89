import { luma, type Raster } from '../../raster.js';
import { BUSY_DETAIL, towardsOneBpp } from './image-defaults.js';

/**
 * Per-pixel weights of the fit's squared error (`--tune`).
 *
 * PSNR counts an error alike wherever it falls; SSIM divides it by the local
 * contrast. A neural field spreads its error over flat and busy areas alike,
 * where JPEG's sits in the busy blocks: at equal PSNR, snf's error in the
 * flattest quarter of kodim07 is 2 dB above mozjpeg's and its MS-SSIM
 * 0.010 lower (bench/error-by-contrast.ts). Weighting each pixel's error by
 * 1 / (σ² + K)^strength, σ² the variance of luma around it, moves the
 * network's capacity towards the flat areas that SSIM watches.
 *
 * K is SSIM's C2 / 2 = (0.03 · 255)² / 2: SSIM's contrast–structure term
 * falls by about e² / (2σ² + C2) for an error of variance e² in a window of
 * variance σ², so strength 1 is SSIM's own weighting at its finest scale
 * and 0 is plain squared error.
 */

/** The tunings: the loss the fit minimizes. */
export const TUNINGS = ['psnr', 'balanced', 'ssim'] as const;
export type Tuning = (typeof TUNINGS)[number];

/**
 * The weighting of `balanced` and `ssim` (docs/studies.md, "Weighting the
 * error by contrast" and "The weighting with the residual"): `balanced`, the
 * default, strength 0.25 (+0.006 of MS-SSIM for 0.04 dB at 0.5 bpp before the
 * DCT residual), and 0.5 on a busy photo and on a smooth one up to 0.5 bpp
 * (`tuningWeighting`); `ssim` 0.5, the most MS-SSIM of any strength before
 * the residual (and 0.4 dB less PSNR than 0.25 then). `psnr` weighs as
 * `balanced` (since session 58; before, strength 0, the plain squared error,
 * which `contrastWeighting` can still ask for).
 */
export const TUNING_WEIGHTS: Readonly<Record<Exclude<Tuning, 'psnr'>, ContrastWeighting>> = {
  balanced: { strength: 0.25, radius: 3 },
  ssim: { strength: 0.5, radius: 3 },
};

/**
 * `balanced`'s weighting on a busy photo (detail ≥ BUSY_DETAIL). With the DCT
 * residual mending the busy areas' error, 0.5 raised MS-SSIM by 0.0005 to
 * 0.0021 over 0.25 for −0.04 to +0.02 dB on busy kodim05 and 13 at 0.5 and
 * 1 bpp; on smooth photos at 1 bpp it cost 0.03 to 0.18 dB for +0.0000 to
 * +0.0009, a worse trade than the residual's shapes offer, so they keep 0.25.
 */
const BUSY_BALANCED: ContrastWeighting = { strength: 0.5, radius: 3 };

/**
 * `balanced`'s strength on a smooth photo up to 0.5 bpp; it falls to TUNING_WEIGHTS.balanced's 0.25 at 1 bpp (with
 * the log of the rate between). On the 9 smooth Kodak photos at 0.5 bpp, 0.5 gave +0.0003 to +0.0024 of MS-SSIM
 * (mean +0.0015) for −0.13 to +0.02 dB (mean −0.06), where at 1 bpp it cost about 0.1 dB for +0.0004
 * (docs/studies.md, "Smooth photos at low rates, and the residual's rate–distortion quantization").
 */
const SMOOTH_BALANCED_LOW_RATE = 0.5;

/** The weighting a `tune` gives a photo of `detail` (`regionDetail` of the whole image) at `bpp`: `psnr` and `balanced` alike. */
export function tuningWeighting(tune: Tuning, detail: number, bpp: number): ContrastWeighting {
  // `psnr` differs from `balanced` only in the residual it keeps: on the networks of `balanced`'s fit, ranking the
  // residual by PSNR alone gained +0.13 to +0.80 dB at 0.5 and 1 bpp, more than session 56's unweighted fit with the
  // same ranking (docs/studies.md, "What `--tune psnr` should fit").
  if (tune === 'ssim') return TUNING_WEIGHTS.ssim;
  if (detail >= BUSY_DETAIL) return BUSY_BALANCED;
  const atOneBpp = TUNING_WEIGHTS.balanced.strength;
  return { ...TUNING_WEIGHTS.balanced, strength: SMOOTH_BALANCED_LOW_RATE + towardsOneBpp(bpp) * (atOneBpp - SMOOTH_BALANCED_LOW_RATE) };
}

export const DEFAULT_TUNING: Tuning = 'balanced';

/** SSIM's C2 / 2 on 8-bit samples. */
const SSIM_K = (0.03 * 255) ** 2 / 2;

export interface ContrastWeighting {
  /** Exponent of 1 / (σ² + K): 0 weighs every pixel alike, 1 is SSIM's weighting. */
  readonly strength: number;
  /** The variance is taken over a (2·radius + 1)² window, clipped at the image's edges. */
  readonly radius: number;
}

/**
 * The variance of luma in the (2·radius + 1)² window around every pixel
 * (clipped at the edges), from summed-area tables: O(1) a pixel.
 */
export function localLumaVariance(image: Raster, radius: number): Float32Array {
  const { width, height } = image;
  const values = luma(image);
  // Summed-area tables with a zero first row and column: sum[(y)(width+1) + x] = Σ over [0, x) × [0, y).
  const stride = width + 1;
  const sum = new Float64Array(stride * (height + 1));
  const squares = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    let rowSquares = 0;
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x]!;
      rowSum += v;
      rowSquares += v * v;
      sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1]! + rowSum;
      squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1]! + rowSquares;
    }
  }
  const boxOf = (table: Float64Array, x0: number, y0: number, x1: number, y1: number): number =>
    table[y1 * stride + x1]! - table[y0 * stride + x1]! - table[y1 * stride + x0]! + table[y0 * stride + x0]!;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const n = (x1 - x0) * (y1 - y0);
      const mean = boxOf(sum, x0, y0, x1, y1) / n;
      out[y * width + x] = Math.max(0, boxOf(squares, x0, y0, x1, y1) / n - mean * mean);
    }
  }
  return out;
}

/**
 * The weights of the pixels of `region` ([x0, y0, x1, y1], row by row, the
 * order of a tile's training points) from the image's `variance` map:
 * 1 / (σ² + K)^strength, scaled to a mean of 1 over the region so that the
 * learning rate keeps its meaning.
 */
export function contrastWeights(variance: Float32Array, imageWidth: number, region: readonly [number, number, number, number], strength: number): Float32Array {
  const [x0, y0, x1, y1] = region;
  const out = new Float32Array((x1 - x0) * (y1 - y0));
  let total = 0;
  let p = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const weight = (variance[y * imageWidth + x]! + SSIM_K) ** -strength;
      out[p++] = weight;
      total += weight;
    }
  }
  const scale = out.length / total;
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}
