import type { Raster } from '../raster.js';
import { PSNR_REPORT_CAP } from './psnr.js';

/**
 * Multi-scale structural similarity (Wang, Simoncelli & Bovik, "Multi-scale
 * structural similarity for image quality assessment", 2003) on 8-bit
 * samples, computed on each colour channel separately and averaged over the
 * channels: on an RGB raster this is "MS-SSIM (RGB)" as CompressAI and
 * pytorch_msssim report it, not luma MS-SSIM. Alpha, if present, is ignored.
 *
 * Per scale: 11×11 Gaussian window (σ 1.5) applied "valid" (no padding),
 * K1 = 0.01, K2 = 0.03, dynamic range 255. Between scales: 2×2 mean
 * downsampling, dropping an odd last row or column. Negative contrast–
 * structure terms are clamped to 0 before the weighted product (as
 * pytorch_msssim does), so the result lies in [0, 1].
 */

/** Weights of the five scales, finest first (Wang et al. 2003). */
export const MS_SSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333] as const;

/** Side of the Gaussian window; the coarsest scale must be at least this big. */
export const WINDOW = 11;
const SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** Normalized 1-D Gaussian taps; the 2-D window is their outer product. */
const TAPS = /*#__PURE__*/ (() => {
  const taps = new Float64Array(WINDOW);
  let sum = 0;
  for (let i = 0; i < WINDOW; i++) {
    const d = i - (WINDOW - 1) / 2;
    taps[i] = Math.exp(-(d * d) / (2 * SIGMA * SIGMA));
    sum += taps[i]!;
  }
  for (let i = 0; i < WINDOW; i++) taps[i]! /= sum;
  return taps;
})();

/**
 * How many scales an image of `width` × `height` supports: the most (≤ 5)
 * whose coarsest level is still at least 11 pixels on each side. The
 * standard 5 need a shorter side of at least 176. 0 when even one does not fit.
 */
export function msSsimScales(width: number, height: number): number {
  let scales = 0;
  let w = width;
  let h = height;
  while (scales < MS_SSIM_WEIGHTS.length && w >= WINDOW && h >= WINDOW) {
    scales++;
    w = Math.floor(w / 2);
    h = Math.floor(h / 2);
  }
  return scales;
}

export interface MsSsimResult {
  /** MS-SSIM in [0, 1]; 1 for identical images. */
  readonly value: number;
  /** Scales used: 5 unless the image is smaller than 176 pixels on a side. */
  readonly scales: number;
}

/**
 * MS-SSIM between two rasters of the same shape (see the module comment).
 * An image too small for 5 scales uses as many as fit, with the first
 * weights renormalized to sum to 1; `scales` says how many. Cost: about
 * about 50 multiply–adds per sample and channel;
 * ~0.15 s for a 768×512 RGB image on one core.
 *
 * @throws {RangeError} different shapes, or a side shorter than 11 pixels.
 */
export function msSsim(a: Raster, b: Raster): MsSsimResult {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new RangeError(`cannot compare ${a.width}x${a.height}x${a.channels} with ${b.width}x${b.height}x${b.channels}`);
  }
  const scales = msSsimScales(a.width, a.height);
  if (scales === 0) throw new RangeError(`MS-SSIM needs at least ${WINDOW}x${WINDOW} pixels, got ${a.width}x${a.height}`);
  const weights = MS_SSIM_WEIGHTS.slice(0, scales);
  // The published weights sum to 1.0001; used as they are at 5 scales, like every reference implementation.
  const weightSum = scales === MS_SSIM_WEIGHTS.length ? 1 : weights.reduce((s, w) => s + w, 0);
  const colours = a.channels === 2 || a.channels === 4 ? a.channels - 1 : a.channels;
  let total = 0;
  for (let c = 0; c < colours; c++) {
    let x = plane(a, c);
    let y = plane(b, c);
    let w = a.width;
    let h = a.height;
    let product = 1;
    for (let s = 0; s < scales; s++) {
      const { ssim, cs } = ssimAndContrastStructure(x, y, w, h);
      const last = s === scales - 1;
      product *= Math.max(0, last ? ssim : cs) ** (weights[s]! / weightSum);
      if (!last) {
        x = halve(x, w, h);
        y = halve(y, w, h);
        w = Math.floor(w / 2);
        h = Math.floor(h / 2);
      }
    }
    total += product;
  }
  return { value: total / colours, scales };
}

/** Channel `c` of `r` as float samples. */
function plane(r: Raster, c: number): Float64Array {
  const out = new Float64Array(r.width * r.height);
  for (let i = 0; i < out.length; i++) out[i] = r.data[i * r.channels + c]!;
  return out;
}

/** 2×2 mean, dropping an odd last row or column. */
function halve(src: Float64Array, w: number, h: number): Float64Array {
  const w2 = Math.floor(w / 2);
  const h2 = Math.floor(h / 2);
  const out = new Float64Array(w2 * h2);
  for (let y = 0; y < h2; y++) {
    const r0 = 2 * y * w;
    const r1 = r0 + w;
    for (let x = 0; x < w2; x++) {
      out[y * w2 + x] = (src[r0 + 2 * x]! + src[r0 + 2 * x + 1]! + src[r1 + 2 * x]! + src[r1 + 2 * x + 1]!) / 4;
    }
  }
  return out;
}

/**
 * Mean SSIM and mean contrast–structure term over the valid window
 * positions of one scale. The five local moments (x, y, x², y², xy) are
 * filtered together: one horizontal pass, then one vertical pass.
 */
function ssimAndContrastStructure(x: Float64Array, y: Float64Array, w: number, h: number): { ssim: number; cs: number } {
  const ow = w - WINDOW + 1;
  const oh = h - WINDOW + 1;
  // Horizontal pass: 5 moments per (row, output column), interleaved.
  const rows = new Float64Array(5 * ow * h);
  for (let r = 0; r < h; r++) {
    const row = r * w;
    for (let c = 0; c < ow; c++) {
      let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let k = 0; k < WINDOW; k++) {
        const g = TAPS[k]!;
        const a = x[row + c + k]!;
        const b = y[row + c + k]!;
        sx += g * a;
        sy += g * b;
        sxx += g * a * a;
        syy += g * b * b;
        sxy += g * a * b;
      }
      const o = 5 * (r * ow + c);
      rows[o] = sx;
      rows[o + 1] = sy;
      rows[o + 2] = sxx;
      rows[o + 3] = syy;
      rows[o + 4] = sxy;
    }
  }
  // Vertical pass, and the SSIM terms at once.
  let ssim = 0;
  let cs = 0;
  const stride = 5 * ow;
  for (let r = 0; r < oh; r++) {
    for (let c = 0; c < ow; c++) {
      let mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
      let o = 5 * (r * ow + c);
      for (let k = 0; k < WINDOW; k++, o += stride) {
        const g = TAPS[k]!;
        mx += g * rows[o]!;
        my += g * rows[o + 1]!;
        sxx += g * rows[o + 2]!;
        syy += g * rows[o + 3]!;
        sxy += g * rows[o + 4]!;
      }
      const mx2 = mx * mx;
      const my2 = my * my;
      const mxy = mx * my;
      const contrastStructure = (2 * (sxy - mxy) + C2) / (sxx - mx2 + syy - my2 + C2);
      cs += contrastStructure;
      ssim += ((2 * mxy + C1) / (mx2 + my2 + C1)) * contrastStructure;
    }
  }
  const n = ow * oh;
  return { ssim: ssim / n, cs: cs / n };
}

/**
 * MS-SSIM on a decibel scale, −10 · log10(1 − MS-SSIM), as learned-codec papers plot it: 0.99 is 20 dB and 0.999
 * 30 dB, so that the curves' top end, where the values crowd below 1, is spread out as PSNR's is and BD can compare
 * them. An exact decode (1) is capped at 100 dB, as PSNR is (PSNR_REPORT_CAP).
 */
export function msSsimDb(msssim: number): number {
  return Math.min(PSNR_REPORT_CAP, -10 * Math.log10(1 - msssim));
}
