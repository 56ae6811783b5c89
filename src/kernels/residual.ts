import type { FieldImage } from './post-filter.js';
import { addResidualOnWasm, blockSumsOnWasm, type BlockSums, type KernelPlane } from './wasm/residual-kernel.js';

/**
 * The residual of spec §4.7 (format x.6): what the networks leave of a
 * photo's structure at periods of 4–16 pixels, sent as JPEG sends a photo
 * (YCbCr, chroma at half resolution, 8 × 8 blocks, the first coefficients of
 * each block's DCT in zigzag order) and added to the rendered field after
 * the restoration filter. The networks blur that texture (MS-SSIM's middle
 * scales) where a DCT keeps it cheaply (docs/studies.md, "A DCT residual").
 *
 * The decoder evaluates each block's cosines at the output pixel's position
 * in source pixels, not on the source's grid, so the residual renders at any
 * size like the networks: at the source size it is exactly the inverse DCT.
 * Shared by the decoder, the web renderers and the encoder, which fits it.
 */

/** Side of a block, in samples of its plane. */
export const RESIDUAL_BLOCK = 8;
/** Most coefficients a block keeps: all 64. */
export const MAX_RESIDUAL_COEFFICIENTS = RESIDUAL_BLOCK * RESIDUAL_BLOCK;
/** Steps are stored as integers in units of 1/16 of an 8-bit level (spec §3.11). */
export const RESIDUAL_STEP_UNIT = 1 / 16;

/** The residual as the header carries it, its coefficients decoded (spec §3.11). */
export interface ImageResidual {
  /** Coefficients kept in each luma block, the first of the zigzag order: 1–64. */
  readonly lumaCoefficients: number;
  /** Coefficients kept in each Cb and Cr block: 0 (no chroma; always for gray) to 64. */
  readonly chromaCoefficients: number;
  /** Quantizer steps in units of RESIDUAL_STEP_UNIT: a coefficient is its integer × step / 16 levels (× the gradient's factor). */
  readonly lumaStep: number;
  readonly chromaStep: number;
  /**
   * How the step grows with frequency, in sixteenths (format x.7; absent: 0, one step for every coefficient):
   * the coefficient at frequency (v, u) has the step × (1 + gradient · (v + u) / 112), so 16 doubles the step
   * where v + u = 7, as JPEG's tables coarsen the frequencies that the eye and MS-SSIM's middle scales miss.
   */
  readonly gradient?: number;
  /**
   * Steps that grow with the field's local activity (format x.8; absent: every block at the plane's step): a block's
   * coefficients are scaled by (1 + V / sigma²)^(exponent / 16), V the variance of the field's luma, in levels², over
   * the pixels that read the block (blockStepScales). Busy blocks, where an error hides, get coarser steps and flat
   * ones keep theirs, at no cost in bits: the decoder has the field before the residual.
   */
  readonly adaptive?: AdaptiveStep;
  /** Luma blocks in raster order, `lumaCoefficients` integers each; then Cb's blocks, then Cr's, `chromaCoefficients` each (|q| ≤ 32,767). */
  readonly values: Int16Array;
}

/** How a residual's step grows with the field's activity (ImageResidual.adaptive, spec §3.11 keys `a` and `e`). */
export interface AdaptiveStep {
  /** σ₀, in 8-bit levels (1–MAX_ADAPTIVE_SIGMA): a block of luma standard deviation σ₀ has its step × 2^(exponent/16). */
  readonly sigma: number;
  /** The power, in sixteenths (1–MAX_ADAPTIVE_EXPONENT). */
  readonly exponent: number;
}
export const MAX_ADAPTIVE_SIGMA = 255;
export const MAX_ADAPTIVE_EXPONENT = 16;

/** [row frequency, column frequency] of each zigzag position, as JPEG orders them. */
export const ZIGZAG: readonly (readonly [number, number])[] = (() => {
  const order: [number, number][] = [];
  for (let sum = 0; sum < 2 * RESIDUAL_BLOCK - 1; sum++) {
    const diagonal: [number, number][] = [];
    for (let v = 0; v < RESIDUAL_BLOCK; v++) {
      const u = sum - v;
      if (u >= 0 && u < RESIDUAL_BLOCK) diagonal.push([v, u]);
    }
    // Odd diagonals run down-left (row rising), even ones up-right.
    order.push(...(sum % 2 === 1 ? diagonal : diagonal.reverse()));
  }
  return order;
})();

/** Row frequency v and column frequency u of each zigzag position, as typed arrays for the render's inner loop. */
const ZIGZAG_V = Uint8Array.from(ZIGZAG, ([v]) => v);
const ZIGZAG_U = Uint8Array.from(ZIGZAG, ([, u]) => u);
/** Both, as the WASM kernel reads them: the 64 row frequencies, then the 64 column frequencies. */
const ZIGZAG_VU = Uint8Array.of(...ZIGZAG_V, ...ZIGZAG_U);

/** The most `gradient` (spec §3.11): the highest frequency's step then 129 times the mean's. */
export const MAX_RESIDUAL_GRADIENT = 1023;

/**
 * Levels per integer of each zigzag position for a plane of step `step` (in
 * RESIDUAL_STEP_UNIT) and a residual's `gradient` (spec §3.11): the step,
 * growing with the position's frequency v + u. Encoder and decoder share it.
 */
export function coefficientSteps(step: number, gradient = 0): Float64Array {
  return Float64Array.from(ZIGZAG, ([v, u]) => step * RESIDUAL_STEP_UNIT * stepGrowth(gradient, v + u));
}

/** How many times the mean's step a coefficient of frequency v + u = `frequency` has, for a residual's `gradient` (spec §3.11). */
export function stepGrowth(gradient: number, frequency: number): number {
  return 1 + (gradient * frequency) / 112;
}

/** A plane of the residual: its size in samples, its blocks a side and how many coefficients each keeps. */
export interface ResidualPlane {
  readonly width: number;
  readonly height: number;
  readonly blocksX: number;
  readonly blocksY: number;
  /** Source pixels per plane sample: 1 for luma, 2 for chroma. */
  readonly factor: 1 | 2;
  readonly coefficients: number;
  /** Offset of its first block's values in `ImageResidual.values`. */
  readonly offset: number;
}

/** The planes of a residual for a `width` × `height` image with `colours` colour channels, in stream order. */
export function residualPlanes(width: number, height: number, colours: 1 | 3, luma: number, chroma: number): ResidualPlane[] {
  const plane = (w: number, h: number, factor: 1 | 2, coefficients: number, offset: number): ResidualPlane => ({
    width: w, height: h, blocksX: Math.ceil(w / RESIDUAL_BLOCK), blocksY: Math.ceil(h / RESIDUAL_BLOCK), factor, coefficients, offset,
  });
  const planes = [plane(width, height, 1, luma, 0)];
  if (colours === 3 && chroma > 0) {
    const first = plane(Math.ceil(width / 2), Math.ceil(height / 2), 2, chroma, planes[0]!.blocksX * planes[0]!.blocksY * luma);
    planes.push(first, { ...first, offset: first.offset + first.blocksX * first.blocksY * chroma });
  }
  return planes;
}

/** Integers a residual of these planes holds. */
export function residualValueCount(planes: readonly ResidualPlane[]): number {
  return planes.reduce((sum, p) => sum + p.blocksX * p.blocksY * p.coefficients, 0);
}

/** The orthonormal DCT-II basis function of frequency `k` at position `t` (0 … 8, in samples) of its block. */
export function dctBasis(k: number, t: number): number {
  return (k === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos((Math.PI * (2 * t + 1) * k) / (2 * RESIDUAL_BLOCK));
}

/**
 * For each output position along one axis: the block it falls in and the
 * 8 basis values there (spec §4.7): the pixel centre in source units,
 * (i′ + 0.5) · source / out, in plane samples (/ factor, − 0.5), clamped to
 * the plane.
 */
function axisTable(out: number, source: number, plane: number, factor: number): { blocks: Int32Array; basis: Float64Array } {
  const blocks = new Int32Array(out);
  const basis = new Float64Array(out * RESIDUAL_BLOCK);
  for (let i = 0; i < out; i++) {
    const centre = ((i + 0.5) * source) / out;
    const t = Math.min(plane - 1, Math.max(0, centre / factor - 0.5));
    const block = Math.min(Math.floor(t / RESIDUAL_BLOCK), Math.ceil(plane / RESIDUAL_BLOCK) - 1);
    blocks[i] = block;
    for (let k = 0; k < RESIDUAL_BLOCK; k++) basis[i * RESIDUAL_BLOCK + k] = dctBasis(k, t - block * RESIDUAL_BLOCK);
  }
  return { blocks, basis };
}

/** A plane's nonzero coefficients, block by block (most are zero: the residual is coarse), and its axes at the output size. */
interface PlaneRender {
  readonly plane: ResidualPlane;
  /** Block b's coefficients are entries starts[b] … starts[b + 1] − 1. */
  readonly starts: Int32Array;
  readonly rowFrequency: Uint8Array;
  readonly columnFrequency: Uint8Array;
  /** The coefficient in levels: q × its position's step. */
  readonly levels: Float64Array;
  readonly xs: { blocks: Int32Array; basis: Float64Array };
  readonly ys: { blocks: Int32Array; basis: Float64Array };
  /** Column frequencies up to which a block may have coefficients: chroma's 3 need 2 of the 8 products. */
  readonly columns: number;
}

function planeRender(
  residual: ImageResidual, plane: ResidualPlane, { xs, ys }: PlaneAxes, scales: Float64Array | undefined,
): PlaneRender {
  const steps = coefficientSteps(plane.factor === 1 ? residual.lumaStep : residual.chromaStep, residual.gradient);
  const n = plane.coefficients;
  const blockCount = plane.blocksX * plane.blocksY;
  const values = residual.values;
  const starts = new Int32Array(blockCount + 1);
  for (let b = 0; b < blockCount; b++) starts[b + 1] = starts[b]! + nonzeroIn(values, plane.offset + b * n, n);
  const nonzero = starts[blockCount]!;
  const rowFrequency = new Uint8Array(nonzero), columnFrequency = new Uint8Array(nonzero), levels = new Float64Array(nonzero);
  for (let b = 0; b < blockCount; b++) {
    if (starts[b + 1] !== starts[b]) listBlock(values, plane.offset + b * n, n, steps, scales ? scales[b]! : 1, starts[b]!, rowFrequency, columnFrequency, levels);
  }
  return { plane, starts, rowFrequency, columnFrequency, levels, columns: columnsOf(n), xs, ys };
}

/** Column frequencies up to which a block of `n` coefficients may have coefficients: the first 3 need 2 of the 8 products. */
function columnsOf(n: number): number {
  let columns = 1;
  for (let c = 0; c < n; c++) columns = Math.max(columns, ZIGZAG_U[c]! + 1);
  return columns;
}

/** A plane as the WASM kernel renders it: its coefficients as they are, each scaled as it is read. */
function kernelPlane(residual: ImageResidual, plane: ResidualPlane, axes: PlaneAxes, scales: Float64Array | undefined): KernelPlane {
  const n = plane.coefficients;
  return {
    values: residual.values.subarray(plane.offset, plane.offset + plane.blocksX * plane.blocksY * n),
    coefficients: n,
    blocksX: plane.blocksX,
    steps: coefficientSteps(plane.factor === 1 ? residual.lumaStep : residual.chromaStep, residual.gradient),
    scales,
    axes,
    columns: columnsOf(n),
  };
}

/**
 * Each plane's blocks' step multipliers under `residual.adaptive` (spec §4.7) for `field`, rendered at its size from
 * a `source` of another or the same size: (1 + V / σ₀²)^(exponent / 16), V the variance of the field's luma L
 * (0.299, 0.587, 0.114 of the colour channels, or the one channel of gray) in 8-bit levels ((f + 1) / 2 · 255,
 * unclamped) over the output pixels whose position falls in the block (axisTable's blocks), 0 for a block no pixel
 * reads. Undefined without `adaptive`. Cb and Cr share their blocks, and so their multipliers. At the source size
 * these are what the encoder quantized with; at another size the same field is sampled more or less densely, so
 * they differ a little, as the filter's classes do.
 */
export function residualStepScales(
  field: FieldImage, residual: Pick<ImageResidual, 'lumaCoefficients' | 'chromaCoefficients' | 'adaptive'>, source: { width: number; height: number } = field,
  axes?: readonly PlaneAxes[], kernel: ResidualKernel = 'auto',
): Float64Array[] | undefined {
  const { adaptive } = residual;
  if (adaptive === undefined) return undefined;
  const planes = residualPlanes(source.width, source.height, field.channels >= 3 ? 3 : 1, residual.lumaCoefficients, residual.chromaCoefficients);
  const tables = axes ?? planeAxes(planes, source, field.width, field.height);
  // Luma's blocks and, with chroma, Cb's (which Cr shares): one pass over the field fills both.
  const summed = planes.slice(0, 2).map((plane, p) => ({ axes: tables[p]!, blocksX: plane.blocksX, blocks: plane.blocksX * plane.blocksY }));
  const stats = (kernel === 'auto' ? blockSumsOnWasm(field, summed) : undefined)?.map((sums) => new BlockStats(sums)) ?? blockStats(field, summed);
  const scales = stats.map((s) => s.scales(adaptive));
  return planes.map((_, p) => scales[Math.min(p, 1)]!);
}

/** Which code adds the residual: the WASM kernel where the runtime has it (`auto`), or the TypeScript; the same bits. */
export type ResidualKernel = 'auto' | 'typescript';

/** The field's luma summed into each plane's blocks, in TypeScript. */
function blockStats(field: FieldImage, planes: readonly { axes: PlaneAxes; blocksX: number; blocks: number }[]): BlockStats[] {
  const stats = planes.map(({ blocks }) => new BlockStats({ sums: new Float64Array(blocks), squares: new Float64Array(blocks), counts: new Float64Array(blocks) }));
  const { width, height, channels, values } = field;
  for (let j = 0; j < height; j++) {
    const at = j * width * channels;
    planes.forEach(({ axes, blocksX }, p) => sumRow(values, at, width, channels, axes.xs.blocks, axes.ys.blocks[j]! * blocksX, stats[p]!));
  }
  return stats;
}

/** Where each output column and row falls in each plane's blocks, and the basis there (axisTable). */
export interface PlaneAxes {
  readonly xs: { blocks: Int32Array; basis: Float64Array };
  readonly ys: { blocks: Int32Array; basis: Float64Array };
}

function planeAxes(planes: readonly ResidualPlane[], source: { width: number; height: number }, outWidth: number, outHeight: number): PlaneAxes[] {
  const axes: PlaneAxes[] = [];
  for (const [p, plane] of planes.entries()) {
    // Cr's plane is Cb's size: the same tables (their cosines are a few ms of a cold decode).
    const before = planes[p - 1];
    axes.push(before !== undefined && before.width === plane.width && before.height === plane.height && before.factor === plane.factor ? axes[p - 1]! : {
      xs: axisTable(outWidth, source.width, plane.width, plane.factor), ys: axisTable(outHeight, source.height, plane.height, plane.factor),
    });
  }
  return axes;
}

/** Sums of the field's luma, of its square, and pixel counts, a block each. */
class BlockStats {
  readonly sums: Float64Array;
  readonly squares: Float64Array;
  readonly counts: Float64Array;
  constructor({ sums, squares, counts }: BlockSums) {
    this.sums = sums;
    this.squares = squares;
    this.counts = counts;
  }

  /** Each block's multiplier (1 + V / σ₀²)^(exponent / 16), V its luma's variance (0 for a block no pixel reads). */
  scales(adaptive: AdaptiveStep): Float64Array {
    const scales = new Float64Array(this.sums.length);
    const power = adaptive.exponent / 16, inverse = 1 / (adaptive.sigma * adaptive.sigma);
    for (let b = 0; b < scales.length; b++) {
      const n = this.counts[b]!;
      const variance = n > 0 ? Math.max(0, this.squares[b]! / n - (this.sums[b]! / n) ** 2) : 0;
      scales[b] = (1 + variance * inverse) ** power;
    }
    return scales;
  }
}

/**
 * One output row's luma (spec §4.7's L: 0.299, 0.587, 0.114 of the colour channels or the one channel of gray, in
 * 8-bit levels, unclamped) added into its blocks' sums. Called once a row, so that V8 optimizes it early.
 */
function sumRow(values: Float32Array, at: number, width: number, channels: number, columnBlocks: Int32Array, rowBase: number, stats: BlockStats): void {
  const colour = channels >= 3;
  const { sums, squares, counts } = stats;
  for (let i = 0; i < width; i++, at += channels) {
    const f = colour ? 0.299 * values[at]! + 0.587 * values[at + 1]! + 0.114 * values[at + 2]! : values[at]!;
    const level = ((f + 1) / 2) * 255;
    const b = rowBase + columnBlocks[i]!;
    sums[b]! += level;
    squares[b]! += level * level;
    counts[b]!++;
  }
}

/** Nonzero values among values[from … from + n − 1]. Small functions called once a block: V8 optimizes them early. */
function nonzeroIn(values: Int16Array, from: number, n: number): number {
  let count = 0;
  for (let at = from; at < from + n; at++) if (values[at] !== 0) count++;
  return count;
}

/** A block's nonzero coefficients from entry `k` on: frequencies and levels. */
function listBlock(
  values: Int16Array, from: number, n: number, steps: Float64Array, scale: number, k: number, rowFrequency: Uint8Array, columnFrequency: Uint8Array, levels: Float64Array,
): void {
  for (let c = 0; c < n; c++) {
    const q = values[from + c]!;
    if (q === 0) continue;
    rowFrequency[k] = ZIGZAG_V[c]!;
    columnFrequency[k] = ZIGZAG_U[c]!;
    levels[k++] = q * steps[c]! * scale;
  }
}

/**
 * One plane's row j′ at the output size into `out`, in levels: each block's
 * coefficients summed over the row's basis into 8 partial sums, then each
 * pixel takes 8 products with its column's basis (2 where the plane keeps
 * column frequencies 0 and 1 only), a block's run of pixels at a time with
 * its sums in locals; a block with none writes zeros. Rows, not planes, so
 * that the render holds a row (fresh memory is slow to touch).
 */
function planeRow(render: PlaneRender, j: number, out: Float64Array, partial: Float64Array, active: Uint8Array): void {
  const { starts, rowFrequency, columnFrequency, levels, columns } = render;
  const blocksX = render.plane.blocksX;
  const rowBasis = j * RESIDUAL_BLOCK;
  const basisY = render.ys.basis, basisX = render.xs.basis, columnBlocks = render.xs.blocks;
  const firstBlock = render.ys.blocks[j]! * blocksX;
  for (let bx = 0, at = 0; bx < blocksX; bx++, at += RESIDUAL_BLOCK) {
    const from = starts[firstBlock + bx]!, to = starts[firstBlock + bx + 1]!;
    active[bx] = to > from ? 1 : 0;
    if (to === from) continue;
    for (let u = 0; u < RESIDUAL_BLOCK; u++) partial[at + u] = 0;
    for (let k = from; k < to; k++) partial[at + columnFrequency[k]!]! += levels[k]! * basisY[rowBasis + rowFrequency[k]!]!;
  }
  const width = out.length;
  for (let i = 0; i < width;) {
    const block = columnBlocks[i]!;
    let end = i + 1;
    while (end < width && columnBlocks[end] === block) end++;
    if (active[block] === 0) {
      out.fill(0, i, end);
      i = end;
      continue;
    }
    const at = block * RESIDUAL_BLOCK;
    const p0 = partial[at]!, p1 = partial[at + 1]!;
    if (columns <= 2) {
      for (let b = i * RESIDUAL_BLOCK; i < end; i++, b += RESIDUAL_BLOCK) out[i] = p0 * basisX[b]! + p1 * basisX[b + 1]!;
      continue;
    }
    const p2 = partial[at + 2]!, p3 = partial[at + 3]!, p4 = partial[at + 4]!, p5 = partial[at + 5]!, p6 = partial[at + 6]!, p7 = partial[at + 7]!;
    for (let b = i * RESIDUAL_BLOCK; i < end; i++, b += RESIDUAL_BLOCK) {
      out[i] = p0 * basisX[b]! + p1 * basisX[b + 1]! + p2 * basisX[b + 2]! + p3 * basisX[b + 3]!
        + p4 * basisX[b + 4]! + p5 * basisX[b + 5]! + p6 * basisX[b + 6]! + p7 * basisX[b + 7]!;
    }
  }
}

/** The field's units per 8-bit level (spec §4.3: sample = (y + 1) / 2 · 255). */
const FIELD_PER_LEVEL = 2 / 255;

/**
 * Adds the residual to a rendered field in place (spec §4.7): Y, Cb and Cr
 * rendered at the field's size, row by row, and turned into RGB by the
 * inverse of JPEG's transform (without chroma, Y alone on every colour
 * channel), in the field's units. Alpha is left as it is. A decode runs it
 * once, cold: on the WASM kernel where the runtime has one (`kernel` `auto`;
 * wasm/residual-kernel.ts, the same bits), which runs at speed from its first
 * call. The TypeScript below is the reference and the fallback; its work is in
 * small functions called once a row, which V8 optimizes early (a loop run once
 * waits for on-stack replacement).
 */
export function addResidual(field: FieldImage, residual: ImageResidual, source: { width: number; height: number }, kernel: ResidualKernel = 'auto'): void {
  const { width, height, channels, values } = field;
  const colours = channels >= 3 ? 3 : 1;
  const planes = residualPlanes(source.width, source.height, colours, residual.lumaCoefficients, residual.chromaCoefficients);
  const axes = planeAxes(planes, source, width, height);
  // The multipliers first: they read the field before any residual is added to it.
  const scales = residualStepScales(field, residual, source, axes, kernel);
  if (kernel === 'auto' && addResidualOnWasm(field, planes.map((plane, p) => kernelPlane(residual, plane, axes[p]!, scales?.[p])), colours, ZIGZAG_VU)) return;
  const renders = planes.map((plane, p) => planeRender(residual, plane, axes[p]!, scales?.[p]));
  const rows = renders.map(() => new Float64Array(width));
  const partial = new Float64Array(Math.max(...renders.map((r) => r.plane.blocksX)) * RESIDUAL_BLOCK);
  const active = new Uint8Array(partial.length / RESIDUAL_BLOCK);
  const [y, cb, cr] = rows as [Float64Array, Float64Array?, Float64Array?];
  for (let j = 0; j < height; j++) {
    for (let p = 0; p < renders.length; p++) planeRow(renders[p]!, j, rows[p]!, partial, active);
    mixRow(values, j * width * channels, channels, colours, y, cb, cr);
  }
}

/**
 * Adds one row of Y (and Cb, Cr) in levels to the field's row from `at`, as
 * RGB in the field's units. A function of its own, called once a row, so
 * that V8 optimizes it early in a decode that runs once.
 */
function mixRow(values: Float32Array, at: number, channels: number, colours: number, y: Float64Array, cb: Float64Array | undefined, cr: Float64Array | undefined): void {
  const width = y.length;
  if (cb === undefined || cr === undefined) {
    for (let i = 0; i < width; i++, at += channels) {
      const l = y[i]! * FIELD_PER_LEVEL;
      for (let c = 0; c < colours; c++) values[at + c]! += l;
    }
    return;
  }
  for (let i = 0; i < width; i++, at += channels) {
    const l = y[i]!, u = cb[i]!, v = cr[i]!;
    values[at]! += (l + 1.402 * v) * FIELD_PER_LEVEL;
    values[at + 1]! += (l - 0.344136 * u - 0.714136 * v) * FIELD_PER_LEVEL;
    values[at + 2]! += (l + 1.772 * u) * FIELD_PER_LEVEL;
  }
}
