import { BALANCED_EXTRA_SHAPES, PSNR_CHOICE, RESIDUAL_SHAPES, SSIM_EXTRA_SHAPES, type ResidualChoice } from '../residual/residual-fit.js';
import type { Tuning } from './contrast-weights.js';
import { BUSY_DETAIL } from './image-defaults.js';

/**
 * Which residual a `--tune` keeps (docs/studies.md, "A DCT residual" and "A
 * graded step"). In the same bytes, a step that grows with frequency (or
 * fewer coefficients) trades PSNR for MS-SSIM, and the graded step does it
 * at a better rate than the cut-off. `psnr` keeps the best PSNR, `ssim` the
 * best MS-SSIM, and `balanced` the best sum of PSNR and MS-SSIM in dB, with
 * MS-SSIM weighed more on a busy photo (`detail` from BUSY_DETAIL) and less at
 * low rates (`bpp`, the file's target; msSsimShareAt). Every tune
 * quantizes by rate and distortion (residual-rdo.ts); `psnr` neither masks nor
 * adapts its steps. The residual offers the shapes; the photo's tune and detail
 * pick among them, so the choice lives with the image.
 */
export function residualChoice(tune: Tuning, detail: number, bpp: number): ResidualChoice {
  return withChromaAt(bpp, detail, choiceByTune(tune, detail, bpp));
}

function choiceByTune(tune: Tuning, detail: number, bpp: number): ResidualChoice {
  if (tune === 'ssim') return { ...PSNR_CHOICE, shapes: [...RESIDUAL_SHAPES, ...SSIM_EXTRA_SHAPES], by: 'ms-ssim' };
  if (tune === 'balanced') {
    const msSsimWeight = (detail >= BUSY_DETAIL ? BUSY_MS_SSIM_WEIGHT : SMOOTH_MS_SSIM_WEIGHT) * msSsimShareAt(bpp);
    return { ...PSNR_CHOICE, shapes: [...RESIDUAL_SHAPES, ...BALANCED_EXTRA_SHAPES], by: 'both', msSsimWeight };
  }
  return PSNR_CHOICE;
}

/**
 * Chroma coefficients a block above FINE_CHROMA_ABOVE_BPP: frequencies up to 5 (21) instead of the residual's 10 (up
 * to 3). At 2 bpp the steps are fine enough that chroma, half of a smooth photo's error there, uses them: on all 20
 * Kodak photos +0.048 dB and +0.0002 of MS-SSIM on the mean (−0.24 to +0.46 a photo as the residual's pick moved;
 * image by image against WebP +13.3 → +12.3 %). At 1 bpp a pilot gave +0.01 (docs/studies.md, "More chroma
 * coefficients at 2 bpp"), so the files up to 1 bpp keep 10 and stay as measured.
 */
export const FINE_CHROMA_COEFFICIENTS = 21;
const FINE_CHROMA_ABOVE_BPP = 1;

/**
 * Chroma coefficients a block of a smooth photo (detail below BUSY_DETAIL) from SMOOTH_FINER_CHROMA_FROM_BPP: up to
 * frequency 7 (36). Chroma holds half of a smooth photo's error at 2 bpp. On the nine smooth Kodak photos at 2 bpp,
 * against 21: +0.10 dB and +0.00005 of MS-SSIM on the mean, seven of nine up (kodim04 +0.46, kodim12 +0.34; kodim02
 * −0.26 and kodim17 −0.14, each with MS-SSIM up, where the residual's pick moved); on four busy photos level (−0.01 dB),
 * so they keep 21 (docs/studies.md, "36 chroma coefficients for smooth photos at 2 bpp").
 */
export const SMOOTH_FINER_CHROMA_COEFFICIENTS = 36;
const SMOOTH_FINER_CHROMA_FROM_BPP = 2;

function withChromaAt(bpp: number, detail: number, choice: ResidualChoice): ResidualChoice {
  if (bpp <= FINE_CHROMA_ABOVE_BPP) return choice;
  const finer = detail < BUSY_DETAIL && bpp >= SMOOTH_FINER_CHROMA_FROM_BPP;
  return withChroma(choice, finer ? SMOOTH_FINER_CHROMA_COEFFICIENTS : FINE_CHROMA_COEFFICIENTS);
}

/** `choice` with `count` chroma coefficients a block in every shape it tries. */
export function withChroma(choice: ResidualChoice, count: number): ResidualChoice {
  return { ...choice, shapes: choice.shapes.map((shape) => ({ ...shape, chroma: count })) };
}

/**
 * `balanced`'s weight of MS-SSIM (in dB) beside PSNR when it ranks the residual's shapes, on a busy photo and on a
 * smooth one. The rate–distortion quantization raises the PSNR of the low gradients most, and at the weights before
 * it (1 and 0.5) the pick moved there, MS-SSIM down (kodim13 at 0.5 bpp −0.0039); at 1.5 and 1 it kept MS-SSIM or
 * raised it (docs/studies.md, "Smooth photos at low rates, and the residual's rate–distortion quantization"). These are
 * the weights from 2 bpp; msSsimShareAt scales them down at lower rates.
 */
const BUSY_MS_SSIM_WEIGHT = 1.5;
const SMOOTH_MS_SSIM_WEIGHT = 1;

/**
 * The share of `balanced`'s MS-SSIM weight kept at `bpp` bits per pixel, linear in log₂ of the rate between these
 * points: none at 0.25 bpp and below, half at 0.5, three quarters at 1, all from 2 bpp. At low rates snf's MS-SSIM is
 * well above mozjpeg's, so there the residual is better spent on PSNR, where snf is further behind WebP.
 * - 0.25 and 0.5 bpp (session 59; session 57's margins over mozjpeg +0.016 and +0.005): +0.32 and +0.22 dB on all 20
 *   Kodak photos, MS-SSIM −0.0089 and −0.0018 (docs/studies.md, "MS-SSIM's weight by rate").
 * - 1 bpp (session 71; margin +0.0016): +0.13 dB, MS-SSIM −0.0004, still above mozjpeg's on the mean and on 18 of 20
 *   photos; half the weight gave +0.31 dB but left a margin of 0.0005 and 16 photos above (docs/studies.md, "MS-SSIM's
 *   weight at 1 bpp").
 * - 2 bpp keeps it all: its margin is the smallest (session 69, +0.0009).
 */
export function msSsimShareAt(bpp: number): number {
  const octaves = Math.log2(bpp / QUARTER_BPP); // 0 at 0.25 bpp, 1 at 0.5, 2 at 1, 3 at 2
  if (octaves <= 0) return 0;
  return octaves <= 1 ? octaves / 2 : Math.min(1, 0.5 + (octaves - 1) / 4);
}

/** The rate (bits per pixel) at and below which `balanced` does not weigh MS-SSIM at all. */
const QUARTER_BPP = 0.25;
