import { DEFAULT_BITS_PER_PARAM, DEFAULT_DEPTH, defaultAlpha } from '../network/network-defaults.js';
import { allocationSharesOut } from './tile-widths.js';

/*
 * The image encoder's defaults: its tiles and their overlap, Fourier levels, the learning rate and batch size,
 * passes, bits a weight by detail, and the share of the rate the DCT residual takes. The networks' own are in ../network/network-defaults.ts.
 */

/**
 * Busy images want more, coarser weights: on native 384×256 crops (2×2
 * tiles) at 1 bpp, planning 5 bits a weight instead of 6 lost 0.51 dB on
 * kodim03 (detail 102) and 0.15 on kodim07 (226), and gained 0.21–0.40 dB
 * on five crops of detail 437–819 (docs/studies.md, "By detail";
 * bench/results/study-native-bits-detail.jsonl). So a tiled image whose
 * detail (`regionDetail` of the whole image) is at most SMOOTH_IMAGE_DETAIL
 * gets DEFAULT_BITS_PER_PARAM, one of BUSY_IMAGE_DETAIL or more gets
 * BUSY_BITS_PER_PARAM, and the plan is linear in between. On the four
 * full-size Kodak photos it gives 5 bits (01, 05, 08, 13) this gained
 * +0.15 dB at 1 bpp and +0.09 at 0.5 on the mean, all eight encodes higher,
 * MS-SSIM −0.002 (study-bits-detail-full.jsonl); at 2 bpp it lost (see
 * BUSY_PLAN_OFF_FROM_BPP). An image fitted by one network keeps the
 * default: on images scaled down to 192×128, busy by this measure, 5 bits
 * lost to 6 (study-bitsPerParam.jsonl).
 */
export const SMOOTH_IMAGE_DETAIL = 250;
export const BUSY_IMAGE_DETAIL = 450;
export const BUSY_BITS_PER_PARAM = 5;

/**
 * Rates up to which a busy image's plan holds in full, and from which the
 * plan is DEFAULT_BITS_PER_PARAM again; between them it fades, linear in
 * log2 of the rate (not measured in between). At 2 bpp full-size kodim05
 * gave 31.45 dB with 5 bits and 800 passes against 31.71 with 6 and 1000.
 */
export const BUSY_PLAN_FULL_UP_TO_BPP = 1;
export const BUSY_PLAN_OFF_FROM_BPP = 2;

/** Bits per weight the rate control plans for an image of `detail` in `networks` tiles at `bpp` (see BUSY_BITS_PER_PARAM). */
export function bitsPerParamForDetail(detail: number, networks: number, bpp: number): number {
  if (networks < 2 || !(detail > SMOOTH_IMAGE_DETAIL) || !(bpp < BUSY_PLAN_OFF_FROM_BPP)) return DEFAULT_BITS_PER_PARAM;
  const busy = Math.min(1, (detail - SMOOTH_IMAGE_DETAIL) / (BUSY_IMAGE_DETAIL - SMOOTH_IMAGE_DETAIL));
  const span = Math.log2(BUSY_PLAN_OFF_FROM_BPP / BUSY_PLAN_FULL_UP_TO_BPP);
  const atRate = Math.min(1, Math.log2(BUSY_PLAN_OFF_FROM_BPP / bpp) / span);
  return DEFAULT_BITS_PER_PARAM + busy * atRate * (BUSY_BITS_PER_PARAM - DEFAULT_BITS_PER_PARAM);
}

/**
 * Widest network that takes the full default learning rate; wider ones take
 * it scaled by WIDE_LR_FROM / width. The rate was studied on widths up to 56
 * (every tile of a photo at 1 bpp and below); at 2 bpp tiles of width 72 can
 * drift off at 0.002 without any one pass jumping (so the divergence guard
 * does not see it): kodim06's tile at x 192, y 128 fitted alone ended at
 * 23.1 dB, and at 33.2 with 0.001 (docs/studies.md, wide tiles).
 */
export const WIDE_LR_FROM = 56;

/**
 * Default peak Adam learning rate (docs/studies.md): 0.003 on plain
 * coordinates (best of 0.001, 0.003, 0.01); with Fourier inputs 0.002, which
 * beat 0.003 on 15 of 16 image–rate pairs (by 0.1 dB on average). For a
 * network wider than WIDE_LR_FROM, that times WIDE_LR_FROM / `width`: a
 * step moves a sine's argument by about ω·lr per input it sums, so the rate
 * that is safe falls with the fan-in.
 */
export function defaultLearningRate(fourier: number, width?: number): number {
  const base = fourier > 0 ? 2e-3 : 3e-3;
  return width === undefined || width <= WIDE_LR_FROM ? base : (base * WIDE_LR_FROM) / width;
}

/**
 * Points per Adam step the fit aims for (docs/studies.md,
 * bench/results/study-batch.jsonl): at equal work, 16 steps on a sixteenth of
 * a 192×128 tile's pixels each beat 8 on an eighth, which beat one step on all
 * of them (+0.9 and +0.6 dB at 1 bpp). Smaller batches at this learning rate
 * start to diverge (768: −1.8 dB on kodim07).
 */
export const DEFAULT_BATCH_POINTS = 1536;

/** Most Fourier levels the encoder picks by default (docs/studies.md: 6 and 8 measure alike at 192×128). */
export const MAX_DEFAULT_FOURIER = 6;

/**
 * Default Fourier levels for tiles of `tileWidth` × `tileHeight` pixels: two
 * levels per octave of the shorter side, 2 at 32 pixels, 6 from 128 on. The
 * top level, k = L − 1, has 2^(L−1) cycles across the tile. Measured
 * (docs/studies.md): on 192×128 tiles L = 6 is best of 0, 4, 6, 7, 8 — its top
 * octave, 32 cycles across 128 pixels, is half the Nyquist limit — and
 * `decode --scale 2` stays clean. On a 32×32 crop the same ratio (L = 4)
 * fits the pixels but rings between them at --scale 2 (2× render shrunk
 * back: 18.8 dB against the 1× render; 36.3 at L = 2): a small tile has too
 * few pixels to pin the high octaves down. In between, a 120×120 crop at
 * 1 bpp gave 27.74 dB at L = 5 against 27.38 at L = 3, with its 2× render
 * as consistent (50 dB), so the rule interpolates rather than jumping.
 */
export function defaultFourier(tileWidth: number, tileHeight: number): number {
  const shorter = Math.min(tileWidth, tileHeight);
  const levels = Math.floor(2 * Math.log2(Math.max(1, shorter)) - 8);
  return Math.max(0, Math.min(MAX_DEFAULT_FOURIER, levels));
}

/**
 * Sine layers of an image's networks at a target rate when no depth or width
 * is given, for `tiles` tiles whose plan the allocation shares out by detail:
 * DEEP_IMAGE_DEPTH where the networks' rate `bpp` (the file's less the
 * residual's share) is at most DEEP_DEPTH_UP_TO_BPP and the deeper plan is at
 * least DEEP_FROM_UNITS units and still shared out (`allocationSharesOut`),
 * else DEFAULT_DEPTH. `planWidth(depth)` is the plan's width at a depth.
 */
export function defaultImageDepth(bpp: number, planWidth: (depth: number) => number, tiles: number): number {
  const deep = planWidth(DEEP_IMAGE_DEPTH);
  return bpp <= DEEP_DEPTH_UP_TO_BPP && deep >= DEEP_FROM_UNITS && allocationSharesOut(deep, tiles) ? DEEP_IMAGE_DEPTH : DEFAULT_DEPTH;
}

/**
 * The narrowest depth-4 plan that gets depth 4. Session 50, the 20 full-size
 * photos at 0.5 bpp: the 15 whose depth-4 plan is 16 or 17 units gained
 * +0.08 dB on average (−0.02 to +0.30); the 5 whose plan is 15, then kept at
 * equal widths, lost up to 0.75 dB. Session 51: those 5, their plan shared in
 * steps of 4 (NARROW_PLAN_GRANULE), gained +0.10 dB (+0.04 to +0.15, all 5 up).
 * Narrower depth-4 plans (8–10 units at 0.25 bpp) were not measured on photos;
 * a 256² crop at 0.25 bpp lost 0.31 dB with depth 4 (docs/studies.md, "Depth at
 * native resolution" and "Narrow plans in steps of 4").
 */
export const DEEP_FROM_UNITS = 15;
export const DEEP_IMAGE_DEPTH = 4;
/**
 * Networks of up to 0.75 bpp. Depth 4 gained where they had 0.5 bpp: at 1 bpp (sessions 50–52, the residual's half)
 * and, since session 66, on the eleven busy photos at 2 bpp (+0.26 dB; the residual's 0.75 since session 65 leaves
 * them 0.5 bpp); in session 50 also a smooth photo's 0.7 at 1 bpp. A smooth photo's 0.8 at 2 bpp was level (−0.02 dB
 * on the nine), and its 1.3 at 2 bpp before session 65 lost (−0.12 dB on kodim01–08, −0.96 on kodim02; session 55:
 * −0.18 and −1.03 on kodim07 and 02). docs/studies.md, "Depth 4 at 2 bpp, with session 65's shares".
 */
export const DEEP_DEPTH_UP_TO_BPP = 0.75;

/**
 * WS α of a deep image network (DEEP_IMAGE_DEPTH sine layers or more) where
 * `defaultAlpha` gives 1, its floor: each sine layer multiplies the
 * frequencies of its input, so a deeper network starts rougher at the same α.
 * Session 52, the 20 full-size photos, every tile at depth 4: α 0.5 against 1
 * gained +0.06 dB at 0.5 bpp (16 up, MS-SSIM up on 19) and +0.04 dB at 1 bpp
 * (12 up), in the same time (docs/studies.md, "WS α for four sine layers").
 * At depth 3 α 0.5 was level with 1 on crops and on two full-size photos
 * (session 12), so three layers keep 1 unless their plan is narrow
 * (NARROW_PLAN_UNITS). Depth 5 with it lost 0.16 dB to depth 4 at 1 bpp (session 53); α 0.25, and 0.25 or 1 by tile width, were
 * level or worse (docs/studies.md, "WS α by width at depth 4"). Deep networks
 * wider than 64 units (`--depth 4` at high rates) were not measured.
 */
export const DEEP_IMAGE_ALPHA = 0.5;

/**
 * Plans narrower than this many units (those the allocation does not share out
 * in blocks of 8: SHARED_FROM_BLOCKS × ALLOCATION_BLOCK) start every tile at
 * DEEP_IMAGE_ALPHA at any depth. Session 54, the 20 full-size photos at 0.25
 * bpp (plans of 10–12 units at depth 3, tiles of 8–20 in steps of 4): α 0.5
 * against 1 gained +0.04 dB (12 up, kodim01 +0.21, kodim06 −0.09) and MS-SSIM
 * +0.0016 (18 up) in the same time, and +0.19 / +0.15 dB on five 256² crops at
 * 0.25 / 0.5 bpp (docs/results.md, "Session 54"). Wider three-layer plans keep
 * 1: at 2 bpp (plans of about 50 units)
 * α 0.5 went −0.20 to +0.32 dB on three photos (docs/studies.md, "WS α for
 * narrow three-layer networks").
 */
export const NARROW_PLAN_UNITS = 16;

/**
 * WS α of an image's tile network of `width` units and `depth` sine layers,
 * in a plan of `planWidth` units, when none is given: DEEP_IMAGE_ALPHA where
 * `defaultAlpha` gives 1 (up to 64 units) for deep networks and for the tiles
 * of a narrow plan (NARROW_PLAN_UNITS), else `defaultAlpha`.
 */
export function defaultImageAlpha(width: number, depth: number, planWidth = width): number {
  const alpha = defaultAlpha(width);
  return alpha === 1 && (depth >= DEEP_IMAGE_DEPTH || planWidth < NARROW_PLAN_UNITS) ? DEEP_IMAGE_ALPHA : alpha;
}

/**
 * Decoupled weight decay of an image fit (FitSettings.weightDecay; docs/studies.md,
 * bench/results/study-weight-decay.jsonl): on four full-size photos at the
 * default passes 0.05 gained in all eight encodes, +0.01 to +0.08 dB (mean
 * +0.04 at 0.5 bpp, +0.02 at 1 bpp); 0.2 lost 0.1 dB on kodim07 at 1 bpp.
 */
export const DEFAULT_IMAGE_WEIGHT_DECAY = 0.05;

/**
 * The work an image encode spends by default per pixel of the image, as
 * passes × the sum over its networks of parameters × pixels, per pixel:
 * that of 850 passes over 16 networks of 24,576 pixels each and 62,500
 * parameters in all. At 1 bpp, where the residual leaves the networks about
 * 49,000 parameters, that is 1100 passes: kodim02 took 159 s instead of 203 s
 * with session 31's 1300 (the issue's budget is 3 minutes on these 2 cores),
 * for −0.15 dB; kodim13 163 s instead of 191, −0.03 dB (docs/studies.md,
 * "Passes at 1 bpp"). Lower rates get their most passes either way.
 */
export const DEFAULT_FIT_WORK_PER_PIXEL = (850 * 62_500 * 24_576) / (768 * 512);

/** Fewest passes `defaultPasses` gives a 6-bit plan (a plan of fewer bits a weight gets fewer: 800 for 5), and most. */
export const MIN_DEFAULT_PASSES = 1000;
// The most bounds the narrow networks of low rates, which do less per second: the work alone would give a photo
// 2300–2850 passes at 0.5 bpp and 4900–6500 at 0.25. Until session 61 it was 1800 (2000 passes at 0.5 bpp had
// taken 173 and 187 s on kodim01 and 02 with session 13's encoder); today's encodes at 1800 took 84–104 s at 0.5 bpp
// and 45–72 s at 0.25. With 3600, all 20 photos (bench/results/passes-s62, docs/results.md): 0.5 bpp gets its
// 2300–2800 by the work, +0.06 dB on the mean (15 of 20 up), MS-SSIM level, in 123–151 s; 0.25 bpp 3600,
// +0.06 dB (19 of 20 up), MS-SSIM +0.0007, in 80–106 s. Both stay under the 3 minutes.
export const MAX_DEFAULT_PASSES = 3600;
/** The most passes from 1 bpp up: the cap before session 62. */
const MAX_DEFAULT_PASSES_FROM_1_BPP = 1800;

/**
 * The most default passes for a file of `fileBpp`: MAX_DEFAULT_PASSES up to 0.5 bpp, 1800 from 1 bpp, in between
 * 1800 / fileBpp. Where the DCT residual fills a third of the file and more, more passes can cost bits: five
 * 256×256 crops at 1 bpp, whose small networks the work gives 2100–3200 passes, lost 0.11 dB on the mean against 1800
 * (one of five up), where at 0.5 bpp 3600 passes gained 0.08 (four of five; docs/studies.md, "Passes by work"). A
 * photo at 1 bpp gets fewer than 1800 by the work, so only small images are held back. (Full-size photos at 1 bpp do
 * gain from time: session 60's curve was flat from 60 s to ten minutes, session 63's, with the clipped final
 * filter, rose 0.5 dB; single encodes, docs/results.md.)
 */
export function mostDefaultPasses(fileBpp: number): number {
  return Math.round(Math.min(MAX_DEFAULT_PASSES, Math.max(MAX_DEFAULT_PASSES_FROM_1_BPP, MAX_DEFAULT_PASSES_FROM_1_BPP / fileBpp)) / 100) * 100;
}

/**
 * Default fit passes for an image of `pixels` whose networks have `work`
 * parameters × pixels in all: as many as DEFAULT_FIT_WORK_PER_PIXEL allows,
 * in hundreds, from MIN_DEFAULT_PASSES to `most` (`mostDefaultPasses` of the rate), so an encode
 * takes about the same time per pixel at any rate. A smaller network costs
 * less a pass, so lower rates get more passes: a photo at 0.5 bpp 2300–2800
 * instead of 1000 (2000 gained +0.29, +0.05 and +0.08 dB on full-size
 * kodim07, 03 and 05 with session 13's encoder: docs/studies.md, "Passes by
 * work"), at 0.25 bpp MAX_DEFAULT_PASSES. An image whose network is wider per pixel than a photo's tiles
 * (a 256×192 crop at 1 bpp, width 55) keeps 1000. The floor falls in
 * proportion to a plan of fewer `bitsPerParam` (a busy photo's, from
 * `bitsPerParamForDetail`), whose networks are wider at the same rate: 800
 * passes for 5 bits.
 */
export function defaultPasses(work: number, pixels: number, bitsPerParam = DEFAULT_BITS_PER_PARAM, most = MAX_DEFAULT_PASSES): number {
  const passes = Math.round((DEFAULT_FIT_WORK_PER_PIXEL * pixels) / Math.max(1, work) / 100) * 100;
  // A plan of fewer bits per weight has proportionally more weights: its floor comes down with them, so that
  // the encode costs about what the 6-bit plan's would (busy kodim08 at 1 bpp, 5 bits: 27.21 dB in 800 passes,
  // 27.18 in 1000; 6 bits 27.02 in 1000; docs/studies.md, "By detail").
  const fewest = Math.round((MIN_DEFAULT_PASSES * Math.min(1, bitsPerParam / DEFAULT_BITS_PER_PARAM)) / 100) * 100;
  return Math.min(most, Math.max(fewest, passes));
}

/**
 * Pixels of overlap blended at each inner tile edge (spec §3.5) when an
 * image is split into tiles (docs/studies.md, "Seams";
 * bench/results/study-overlap.jsonl, study-fit-margin.jsonl): hard tile edges
 * have 1.15–1.39× the mean error of the interior on native-resolution
 * crops; 4 pixels blended, fitted on 2 of them, bring that to 0.95–1.07.
 */
export const DEFAULT_OVERLAP = 4;

/**
 * Pixels past its cell a blended tile's network is fitted on (at most the
 * overlap); beyond them it extrapolates, where its weight is under 0.15.
 * Every pixel fitted twice costs the networks capacity: on the full
 * overlap of 4 the seams vanished (0.91) for −0.26 dB on kodim03, on 2 of
 * them for −0.14 (kodim03) and −0.28 dB (kodim07) at 0.5 bpp, 500 passes;
 * on none (pure extrapolation) the seams stay (1.19–1.47).
 */
export const DEFAULT_FIT_MARGIN = 2;

/**
 * Images at a target rate fine-tune on the quantization grid for no steps by
 * default: on the grids the rate control picks (about 6 bits), it never found a
 * rounding better than the plain one. Measured on 192×128 native crops of
 * kodim03, 07, 13 and 20 at 0.5 and 1 bpp (1000 passes, `--tune psnr`): the
 * same PSNR to 0.01 dB with 100 steps as with none, in all 8; at peak learning
 * rates of 1/100 to 1 of the fit's, with or without a warm-up, its first Adam
 * steps raise the rounded loss and it never comes back below where it began
 * (docs/studies.md, "Quantization-aware fine-tuning"). It cost 10 % of the
 * encode. Fixed grids (`--width` with `--bits`, which can be coarse) keep
 * QAT_STEP_FRACTION of the fit: on a 5-bit grid it lowers the rounded loss
 * (test/rate-control.test.ts).
 */
export const DEFAULT_IMAGE_QAT_STEPS = 0;

/**
 * Pixels up to which the encoder, where it plans a residual, also finishes an image's file on networks that hold the
 * image's mean alone (the residual taking the rest of the rate) and keeps the better (encode-image-core.ts): 512×384,
 * where that second finish adds 7–12 s to an encode of about a minute. On ten 512×384 crops of Kodak photos at 0.5, 1
 * and 2 bpp it kept the mean on 18 of 30 files, the busy ones: +0.25, +0.42 and +0.35 dB on the means of ten, and
 * MS-SSIM up on the mean at every rate (+0.002 at 0.5 bpp); on the same photos scaled whole to 512×341 +0.19, +0.37
 * and +0.34 dB (MS-SSIM −0.00003 at 1 bpp, up at the others). Busy crops of 256×256 and less gain too, and there it
 * also took back a tiny image whose starved network decoded worse at a higher rate. On full-size Kodak photos (768×512) the
 * mean won on the busiest (11 of their 80 files at 0.25–2 bpp, +0.01 to +0.11 dB on the means of 20) but MS-SSIM
 * fell on the mean at every rate (−0.0001 to −0.0007) and the encode took 15–23 % longer, so larger images keep
 * their fitted networks (docs/studies.md, "Networks or the residual alone" and "… up to 512×384").
 */
export const MEAN_NETWORKS_UP_TO_PIXELS = 512 * 384;

/** Whether an image of `pixels` is also finished on networks that hold its mean (`MEAN_NETWORKS_UP_TO_PIXELS`). */
export function triesMeanNetworks(pixels: number): boolean {
  return pixels <= MEAN_NETWORKS_UP_TO_PIXELS;
}

/** Default target rate when no architecture is given. */
export const DEFAULT_BPP = 1;

/** The largest target rate an image encode takes (`--bpp`, `bpp`): above it a network costs more than raw 8-bit RGB. */
export const MAX_BPP = 64;

/** Most tiles a side (`--tiles`, `tiles`). */
export const MAX_TILES_A_SIDE = 64;

/**
 * Pixels per tile that `autoTiles` aims for: 192 × 128, a quarter of a
 * Kodak image a side. One network per image is best at equal steps
 * (bench/results/study-tiles.jsonl: at 192×128 and 0.5 bpp, 1×1 24.7 dB,
 * 2×1 24.4, 2×2 about 23.5), but a step of one network over a whole
 * 768×512 photo at 1 bpp is 131 GFLOP, about 4 s on two cores, and the fit
 * needs about a thousand. Tiles of this size keep the default fit near a
 * minute per Kodak image while each tile keeps a network of useful width.
 */
export const AUTO_TILE_PIXELS = 192 * 128;

/**
 * The tiling `--tiles auto` picks: tiles shaped like the image, of about
 * AUTO_TILE_PIXELS each; 1 × 1 for images up to about that size.
 */
export function autoTiles(width: number, height: number): { columns: number; rows: number } {
  const tileWidth = Math.sqrt((AUTO_TILE_PIXELS * width) / height);
  const tileHeight = AUTO_TILE_PIXELS / tileWidth;
  return {
    columns: Math.min(width, Math.max(1, Math.round(width / tileWidth))),
    rows: Math.min(height, Math.max(1, Math.round(height / tileHeight))),
  };
}

/**
 * Share of a target rate the encoder gives the residual by default (`--residual`, residual-fit.ts) on a smooth photo
 * at 0.5 bpp (from 0.5 to 1 bpp until session 64; more below, SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP, and above,
 * SMOOTH_RESIDUAL_SHARE_AT_1_BPP): 0.2 from session 30 ("A DCT
 * residual"), 0.3 since session 42, when the residual's quantizer had grown better (the trellis, masking, adaptive steps): on the nine smooth Kodak photos +0.24 dB and +0.0013 of MS-SSIM at
 * 0.25 bpp, +0.11 and +0.0009 at 0.5 bpp, +0.11 and +0.0004 at 1 bpp, on the mean; seams above 1.05 on kodim07 at 0.5
 * and 1 bpp, the photo's content rather than its tiles (docs/studies.md, "A smooth photo's residual at 0.25–1 bpp").
 */
export const DEFAULT_RESIDUAL_SHARE = 0.3;

/**
 * Detail (`regionDetail`, squared) from which a photo is busy: kodim01, 05, 06, 08, 11, 13, 14, 15, 18, 19 and 20
 * of the Kodak set (11 of 20). There the networks blur most of the texture that MS-SSIM weighs, and the residual
 * gets a larger share, MS-SSIM weighed fully: on kodim11 (detail 230) at 0.5 bpp 0.35 beat 0.2 by 0.28 dB; on
 * kodim15 (154) and kodim20 (170) the busy settings gave +0.06 and +0.18 dB with +0.0007 and +0.0006 of MS-SSIM at
 * 0.5 bpp, and on kodim20 at 1 bpp +0.11 dB and +0.0003; on kodim07 (133) 0.1 kept more MS-SSIM than 0.2
 * (docs/studies.md, "A graded step for the residual" and "The line for busy photos").
 */
export const BUSY_DETAIL = 150;

/**
 * The residual's default share on a busy photo up to 0.5 bpp, from 1 bpp, and from 2 bpp (between them it grows with
 * the log of the rate): at 0.5 bpp 0.5 gained little over 0.35 (±0.03 dB, kodim05, 08, 11, 13), at 1 bpp it gained +0.05 and
 * +0.12 dB with +0.0004 and +0.0003 of MS-SSIM on kodim05 and 13 (docs/studies.md, "A graded step for the residual"
 * and "The weighting with the residual, and the residual's share at 1 bpp").
 */
export const BUSY_RESIDUAL_SHARE = 0.35;
export const BUSY_RESIDUAL_SHARE_FROM_1_BPP = 0.5;

/**
 * At 2 bpp 0.65 beat 0.5 on kodim05, 13 and 08 by +0.09, +0.55 and +0.05 dB, in 153-156 s instead of 186-193 s
 * (bench/results/busy-share-2bpp-s41.jsonl; docs/studies.md, "A busy photo's residual at 2 bpp"); with the final
 * filter, 0.75 beat 0.65 on the eleven busy Kodak photos by +0.07 dB (six up) and +0.0003 of MS-SSIM (all eleven up),
 * the networks smaller and fitted 1400-1800 passes instead of 1000-1200 in about the same time (docs/studies.md, "The
 * shares at 2 bpp, with the final filter").
 */
export const BUSY_RESIDUAL_SHARE_FROM_2_BPP = 0.75;

/**
 * A smooth photo's residual share at 2 bpp and above (between 1 and 2 bpp it grows with the log of the rate), a busy
 * photo's since session 66: 0.35 from session 40 (on the nine smooth Kodak photos +0.14 dB over 0.2, in a quarter less
 * time); 0.6 in session 65, with the final filter (0.5 +0.19 dB over 0.35, 0.6 +0.06 dB more, at depth 3); 0.75 since
 * session 66, whose networks of 0.5 bpp get depth 4 (DEEP_DEPTH_UP_TO_BPP): +0.27 dB and +0.0003 of MS-SSIM over 0.6
 * with depth 3, eight of nine up (docs/studies.md, "A smooth photo's residual at 2 bpp", "The shares at 2 bpp, with the final filter" and "A smooth
 * photo's share of 0.75 at 2 bpp, with depth 4").
 */
export const SMOOTH_RESIDUAL_SHARE_FROM_2_BPP = BUSY_RESIDUAL_SHARE_FROM_2_BPP;

/**
 * A smooth photo's residual share at 0.25 bpp and below (between 0.25 and 0.5 bpp it falls to DEFAULT_RESIDUAL_SHARE
 * with the log of the rate): on the nine smooth Kodak photos at 0.25 bpp 0.4 gained +0.09 dB and +0.0003 of MS-SSIM
 * over 0.3 on the mean, seven of nine up (docs/studies.md, "A smooth photo's residual at 0.25–1 bpp, and the tile edges").
 */
export const SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP = 0.4;

/**
 * A smooth photo's residual share at 1 bpp (from 0.5 bpp it grows to it from DEFAULT_RESIDUAL_SHARE with the log of the
 * rate, and from 1 to 2 bpp grows to SMOOTH_RESIDUAL_SHARE_FROM_2_BPP), as a busy photo's: with today's residual and
 * final filter, on the nine smooth Kodak photos 0.4 gained +0.26 dB and +0.0005 of MS-SSIM on the mean over 0.3 (all
 * nine up in PSNR) and 0.5 +0.37 dB and +0.0009 (eight and nine up); session 49 had measured 0.4 at +0.06 dB with the
 * encoder of then (docs/studies.md, "A smooth photo's share at 1 bpp, with the final filter").
 */
export const SMOOTH_RESIDUAL_SHARE_AT_1_BPP = 0.5;

/** The residual's default share for a photo of `detail` (`regionDetail` of the whole image) at `bpp`. */
export function defaultResidualShare(detail: number, bpp: number): number {
  if (detail < BUSY_DETAIL) {
    return SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP + towardsHalfBpp(bpp) * (DEFAULT_RESIDUAL_SHARE - SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP)
      + towardsOneBpp(bpp) * (SMOOTH_RESIDUAL_SHARE_AT_1_BPP - DEFAULT_RESIDUAL_SHARE)
      + towardsTwoBpp(bpp) * (SMOOTH_RESIDUAL_SHARE_FROM_2_BPP - SMOOTH_RESIDUAL_SHARE_AT_1_BPP);
  }
  return (
    BUSY_RESIDUAL_SHARE +
    towardsOneBpp(bpp) * (BUSY_RESIDUAL_SHARE_FROM_1_BPP - BUSY_RESIDUAL_SHARE) +
    towardsTwoBpp(bpp) * (BUSY_RESIDUAL_SHARE_FROM_2_BPP - BUSY_RESIDUAL_SHARE_FROM_1_BPP)
  );
}

/**
 * Where `bpp` lies between 0.5 bpp (0, and below) and 1 bpp (1, and above), by the log of the rate: the defaults
 * that differ between the two rates move along it. A rate not yet checked (NaN, negative) gets 0, the low rates'
 * setting, and its own error later.
 */
export function towardsOneBpp(bpp: number): number {
  return bpp > 0.5 ? Math.min(1, Math.log2(bpp / 0.5)) : 0;
}

/** Where `bpp` lies between 0.25 bpp (0, and below) and 0.5 bpp (1, and above), by the log of the rate, as `towardsOneBpp`. */
export function towardsHalfBpp(bpp: number): number {
  return towardsOneBpp(bpp * 2);
}

/** Where `bpp` lies between 1 bpp (0, and below) and 2 bpp (1, and above), by the log of the rate, as `towardsOneBpp`. */
export function towardsTwoBpp(bpp: number): number {
  return towardsOneBpp(bpp / 2);
}

/** Most share of the rate the residual may take, the largest measured (busy photos at 2 bpp): the networks keep at least a quarter. */
export const MAX_RESIDUAL_SHARE = BUSY_RESIDUAL_SHARE_FROM_2_BPP;
