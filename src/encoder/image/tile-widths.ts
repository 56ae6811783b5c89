import { parameterCount, type SirenArch } from '../../kernels/arch.js';
import type { Raster } from '../../raster.js';
import { MAX_WIDTH } from '../network/network-defaults.js';

/**
 * How the parameters of a rate are shared among an image's tiles: `detail`
 * gives busy tiles wider networks and smooth ones narrower (this module);
 * `equal` gives every tile the same width.
 */
export const TILE_ALLOCATIONS = ['detail', 'equal'] as const;
export type TileAllocation = (typeof TILE_ALLOCATIONS)[number];

/**
 * How the steps between adjacent samples are summed into a region's detail:
 * `squared` (their mean square) or `absolute` (their mean magnitude, in which
 * a few strong edges weigh less against texture).
 */
export type DetailMeasure = 'squared' | 'absolute';

/**
 * Detail of one region of an image: the mean squared (or absolute) difference
 * between horizontally and vertically adjacent samples (8-bit scale, every
 * channel). The squared measure sets a photo's bits per weight
 * (image-defaults.ts); the allocation between tiles uses the absolute one.
 */
export function regionDetail(image: Raster, region: readonly [number, number, number, number], measure: DetailMeasure = 'squared'): number {
  const [x0, y0, x1, y1] = region;
  const cost = measure === 'squared' ? (d: number) => d * d : Math.abs;
  const channels = image.channels;
  const sample = image.data16 === undefined ? (i: number) => image.data[i]! : (i: number) => image.data16![i]! / 257;
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const at = (y * image.width + x) * channels;
      for (let c = 0; c < channels; c++) {
        const value = sample(at + c);
        if (x + 1 < x1) {
          sum += cost(sample(at + channels + c) - value);
          count++;
        }
        if (y + 1 < y1) {
          sum += cost(sample(at + image.width * channels + c) - value);
          count++;
        }
      }
    }
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * The measure of detail the allocation shares parameters by. The mean
 * absolute step predicts a tile's error far better than the mean squared one,
 * in which a few strong edges, mostly cheap for a sine network to draw, outweigh
 * texture: with one intercept per encode, the residual of log error falls from
 * 0.41 to 0.21 at 0.5 bpp, 0.53 to 0.36 at 1 and 0.56 to 0.29 at 2
 * (bench/detail-measures.ts, docs/studies.md "Detail as the mean absolute step").
 */
export const ALLOCATION_MEASURE: DetailMeasure = 'absolute';

/**
 * Exponent of the detail in the share of parameters each tile gets. A tile's
 * error at equal widths grows about as (mean absolute step)^2.0, and as
 * params^−0.63 when its network grows; the total error is least when every
 * tile's parameters are in proportion to error^(1 / 1.63), so detail^1.2
 * (docs/studies.md). With the squared measure it was detail^0.75.
 */
export const DETAIL_EXPONENT = 1.2;

/**
 * The narrowest network the allocation gives a tile, as a fraction of the
 * plan's width (rounded down to ALLOCATION_BLOCK), for plans of at least
 * FLOOR_FROM_WIDTH units. Measured in session 16 with the squared step (then
 * the default, ^0.75): its power laws were fitted at 0.5 bpp, and at 2 bpp
 * (plans of 56 units) they sent kodim19's sky tiles down
 * to 8 units, 4–5 dB below the image, which cost it 0.7 dB; half the plan's
 * width took that back and was level elsewhere (−0.10 to +0.08 dB on the
 * five other photos it changes). At 1 bpp (37 units) it was level (kodim19 +0.04, kodim03 −0.10 dB),
 * so smaller plans keep the free allocation (docs/studies.md, "A floor for the widths").
 */
export const MIN_WIDTH_FRACTION = 0.5;
export const FLOOR_FROM_WIDTH = 48;

/**
 * The steps in which the allocation shares a plan out by default: 8 units. It was the block the kernels computed in
 * until session 54 (width 9 cost what 16 did); they now pad to 4 (WIDTH_PAD), and a width of 12 or 20 costs less than
 * 16 or 24, but the steps are a rate–distortion choice of their own, measured in blocks of 8 (docs/studies.md,
 * "Tile widths by detail", "Narrow plans in steps of 4"), so files stay as they were.
 */
export const ALLOCATION_BLOCK = 8;

/** The narrowest plan whose parameters `widthsByDetail` shares out by detail, in blocks of its granule: two (16 units by default). */
export const SHARED_FROM_BLOCKS = 2;

/** Parameters of all the networks of `widths`, each `base` at its width. */
export function parametersOfWidths(base: SirenArch, widths: readonly number[]): number {
  return widths.reduce((sum, width) => sum + parameterCount({ ...base, width }), 0);
}

/**
 * Widths for networks of `base`'s shape, one per tile of `details`, that
 * share the parameters of `details.length` networks of `base.width` in
 * proportion to detail^`exponent`, no tile below `minWidth`. Widths are whole
 * multiples of `granule`, by default ALLOCATION_BLOCK, up to MAX_WIDTH: each tile starts at the
 * largest multiple within its share, and the tiles nearest the next multiple
 * move up while the total stays within the plan's. Exponent 0, tiles of equal
 * detail or a plan narrower than SHARED_FROM_BLOCKS blocks give every tile `base.width`.
 */
export function widthsByDetail(base: SirenArch, details: readonly number[], exponent = DETAIL_EXPONENT, granule = ALLOCATION_BLOCK, minWidth = granule): number[] {
  const params = (width: number): number => parameterCount({ ...base, width });
  const total = details.length * params(base.width);
  const weights = details.map((detail) => Math.pow(Math.max(detail, 0), exponent));
  const sum = weights.reduce((a, b) => a + b, 0);
  // Blocks of `granule` are too coarse to share a narrower network out: 8 or 16 units where the plan has 12 (a 48×48 image at 4 bpp) lost 5 dB.
  const equal = !(sum > 0) || !Number.isFinite(sum) || weights.every((weight) => weight === weights[0]) || base.width < SHARED_FROM_BLOCKS * granule;
  if (equal) return details.map(() => base.width);
  const floor = Math.max(granule, Math.min(Math.floor(minWidth / granule) * granule, Math.floor(base.width / granule) * granule));
  // Above one step the floor takes its parameters from the others; at one step a flat tile simply gets that step's units.
  const shares = floor > granule ? sharesAbove(weights, total, params(floor)) : weights.map((weight) => (total * weight) / sum);
  const top = Math.floor(MAX_WIDTH / granule) * granule;
  const widths = shares.map((share) => {
    let width = floor;
    while (width + granule <= top && params(width + granule) <= share) width += granule;
    return width;
  });
  let spent = widths.reduce((a, width) => a + params(width), 0);
  // Largest remainder first: how far each share reaches towards its next multiple.
  const order = widths.map((width, i) => ({ i, reach: (shares[i]! - params(width)) / (params(width + granule) - params(width)) }))
    .filter(({ i }) => widths[i]! + granule <= top)
    .sort((a, b) => b.reach - a.reach || a.i - b.i);
  for (const { i } of order) {
    const extra = params(widths[i]! + granule) - params(widths[i]!);
    if (spent + extra > total) continue;
    widths[i] = widths[i]! + granule;
    spent += extra;
  }
  return widths;
}

/**
 * Steps of the widths in which the default allocation shares out a plan
 * narrower than SHARED_FROM_BLOCKS blocks (10–12 units at 0.25 bpp), from one
 * block up, where the image has at least NARROW_STEPS_FROM_TILES tiles.
 * Session 51, the 20 full-size photos at 0.25 bpp (4×4 tiles): +0.03 dB and
 * −0.0005 MS-SSIM on the mean against equal widths (−0.31 … +0.34 dB per photo),
 * in less time (0.62 and 0.81 of it on two photos on one host), since a flat
 * tile's 8 units were one block of the kernels where the plan's 10–12 were
 * padded to two (the kernels pad to 4 since session 54). On 256² crops at 0.5 bpp (2×2 tiles, plans of 13–14 units)
 * it lost 0.09 dB: four shares in steps of 4 are too coarse, so fewer tiles
 * keep equal widths. Plans from two blocks up to STEPS_OF_4_BELOW_UNITS take
 * the same steps since sessions 54 and 55; wider ones keep whole blocks (docs/studies.md,
 * "Narrow plans in steps of 4").
 */
export const NARROW_PLAN_GRANULE = 4;
export const NARROW_STEPS_FROM_TILES = 16;

/**
 * Plans narrower than this are shared in steps of 4 (NARROW_PLAN_GRANULE) among NARROW_STEPS_FROM_TILES tiles or
 * more, wider ones in blocks of 8. Session 51 tried 24 (the depth-4 plans of 16–17 units at 0.5 bpp): +0.03 dB on
 * the 15 photos it changed, for 1.17× the time, while 12- and 20-unit tiles cost what 16 and 24 did. With the
 * kernels padding to 4 (session 54): +0.08 dB on the same 15 (12 up, none below −0.03; MS-SSIM +0.0004) at
 * 1.01–1.06× the time on five photos timed beside the default (docs/studies.md, "Narrow plans in steps of 4").
 * Session 55 raised it to 24, the 1 bpp plans of 20–23 units: +0.07 dB on the 11 photos it changes (7 up; MS-SSIM
 * +0.0004), at 1.01–1.02× the time on two; the 1 bpp plans of 24–25 units lost 0.05 dB in steps of 4 (6 of 9 up,
 * two photos −0.4 and −0.6), so they keep blocks of 8.
 */
export const STEPS_OF_4_BELOW_UNITS = 24;

/**
 * The default allocation (`--allocation detail`): widths by detail^DETAIL_EXPONENT
 * (details in ALLOCATION_MEASURE), from plans of FLOOR_FROM_WIDTH units none
 * under MIN_WIDTH_FRACTION of the plan's; plans under SHARED_FROM_BLOCKS blocks
 * in steps of NARROW_PLAN_GRANULE from one block where there are enough tiles,
 * else equal widths.
 */
export function allocatedWidths(base: SirenArch, details: readonly number[]): number[] {
  const granule = allocationGranule(base.width, details.length);
  if (granule === undefined) return details.map(() => base.width);
  return widthsByDetail(base, details, DETAIL_EXPONENT, granule, allocationFloor(base.width));
}

/**
 * The steps in which the default allocation shares a plan of `planWidth`
 * units among `tiles` tiles out by detail: NARROW_PLAN_GRANULE for a plan
 * under STEPS_OF_4_BELOW_UNITS among NARROW_STEPS_FROM_TILES tiles or more,
 * once it is wider than the one-block floor (a plan of 8 units has nothing
 * above it to share); else whole blocks (ALLOCATION_BLOCK) from
 * SHARED_FROM_BLOCKS blocks; undefined where every tile gets the plan's width.
 */
export function allocationGranule(planWidth: number, tiles: number): number | undefined {
  if (tiles < 2) return undefined;
  if (tiles >= NARROW_STEPS_FROM_TILES && planWidth < STEPS_OF_4_BELOW_UNITS && planWidth > allocationFloor(planWidth)) return NARROW_PLAN_GRANULE;
  return planWidth >= SHARED_FROM_BLOCKS * ALLOCATION_BLOCK ? ALLOCATION_BLOCK : undefined;
}

/** Whether the default allocation shares a plan out by detail at all (`allocationGranule`; tiles of equal detail still get equal widths). */
export function allocationSharesOut(planWidth: number, tiles: number): boolean {
  return allocationGranule(planWidth, tiles) !== undefined;
}

/**
 * The default allocation's narrowest width for a plan of `planWidth` units. Under FLOOR_FROM_WIDTH one block:
 * in blocks of 8 that is no floor at all, in steps of 4 it keeps a flat tile at one block of 8.
 */
export function allocationFloor(planWidth: number): number {
  return planWidth >= FLOOR_FROM_WIDTH ? MIN_WIDTH_FRACTION * planWidth : ALLOCATION_BLOCK;
}

/** Each region's detail in the measure the default allocation shares by (ALLOCATION_MEASURE). */
export function allocationDetails(image: Raster, regions: readonly (readonly [number, number, number, number])[]): number[] {
  return regions.map((region) => regionDetail(image, region, ALLOCATION_MEASURE));
}

/**
 * `total` shared in proportion to `weights`, except that no share falls
 * below `least`: those that would are raised to it, and the rest is shared
 * again among the others (water-filling).
 */
function sharesAbove(weights: readonly number[], total: number, least: number): number[] {
  const raised = new Set<number>();
  for (;;) {
    const free = weights.reduce((sum, weight, i) => (raised.has(i) ? sum : sum + weight), 0);
    const left = total - raised.size * least;
    const shares = weights.map((weight, i) => (raised.has(i) ? least : (left * weight) / free));
    const below = shares.flatMap((share, i) => (!raised.has(i) && share < least ? [i] : []));
    if (below.length === 0 || raised.size + below.length === weights.length) return shares;
    for (const i of below) raised.add(i);
  }
}
