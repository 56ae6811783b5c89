import type { FieldImage } from './post-filter.js';

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
  /** Quantizer steps in units of RESIDUAL_STEP_UNIT: a coefficient is its integer × step / 16 levels. */
  readonly lumaStep: number;
  readonly chromaStep: number;
  /** Luma blocks in raster order, `lumaCoefficients` integers each; then Cb's blocks, then Cr's, `chromaCoefficients` each (|q| ≤ 32,767). */
  readonly values: Int16Array;
}

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

/**
 * A renderer of one plane's rows at `outWidth` × `outHeight`, in 8-bit
 * levels: row j′ into `out` (outWidth values). Each block's nonzero
 * coefficients (most are zero: the residual is coarse) are listed once;
 * for a row, each block's are summed over the row's basis into 8 values,
 * then each pixel takes 8 products, and a block with none writes zeros. It
 * holds a row, not a plane (fresh memory is slow to touch).
 */
export function residualRows(
  residual: ImageResidual, plane: ResidualPlane, source: { width: number; height: number }, outWidth: number, outHeight: number,
): (row: number, out: Float64Array) => void {
  const step = (plane.factor === 1 ? residual.lumaStep : residual.chromaStep) * RESIDUAL_STEP_UNIT;
  const xs = axisTable(outWidth, source.width, plane.width, plane.factor);
  const ys = axisTable(outHeight, source.height, plane.height, plane.factor);
  const n = plane.coefficients;
  const blockCount = plane.blocksX * plane.blocksY;
  const values = residual.values.subarray(plane.offset, plane.offset + blockCount * n);
  // Each block's nonzero coefficients, block by block: frequencies and values in levels.
  const starts = new Int32Array(blockCount + 1);
  for (let b = 0; b < blockCount; b++) {
    let count = 0;
    for (let c = b * n; c < (b + 1) * n; c++) if (values[c] !== 0) count++;
    starts[b + 1] = starts[b]! + count;
  }
  const nonzero = starts[blockCount]!;
  const rowFrequency = new Uint8Array(nonzero), columnFrequency = new Uint8Array(nonzero), levels = new Float64Array(nonzero);
  for (let b = 0, k = 0; b < blockCount; b++) {
    for (let c = 0; c < n; c++) {
      const q = values[b * n + c]!;
      if (q === 0) continue;
      rowFrequency[k] = ZIGZAG_V[c]!;
      columnFrequency[k] = ZIGZAG_U[c]!;
      levels[k++] = q * step;
    }
  }
  const partial = new Float64Array(plane.blocksX * RESIDUAL_BLOCK);
  const active = new Uint8Array(plane.blocksX);
  const basisY = ys.basis, basisX = xs.basis, columnBlocks = xs.blocks;
  return (j, out) => {
    const rowBasis = j * RESIDUAL_BLOCK;
    const firstBlock = ys.blocks[j]! * plane.blocksX;
    for (let bx = 0; bx < plane.blocksX; bx++) {
      const from = starts[firstBlock + bx]!, to = starts[firstBlock + bx + 1]!;
      active[bx] = to > from ? 1 : 0;
      if (to === from) continue;
      const at = bx * RESIDUAL_BLOCK;
      for (let u = 0; u < RESIDUAL_BLOCK; u++) partial[at + u] = 0;
      for (let k = from; k < to; k++) partial[at + columnFrequency[k]!]! += levels[k]! * basisY[rowBasis + rowFrequency[k]!]!;
    }
    for (let i = 0, b = 0; i < outWidth; i++, b += RESIDUAL_BLOCK) {
      const block = columnBlocks[i]!;
      if (active[block] === 0) {
        out[i] = 0;
        continue;
      }
      const at = block * RESIDUAL_BLOCK;
      out[i] = partial[at]! * basisX[b]! + partial[at + 1]! * basisX[b + 1]! + partial[at + 2]! * basisX[b + 2]! + partial[at + 3]! * basisX[b + 3]!
        + partial[at + 4]! * basisX[b + 4]! + partial[at + 5]! * basisX[b + 5]! + partial[at + 6]! * basisX[b + 6]! + partial[at + 7]! * basisX[b + 7]!;
    }
  };
}

/** The field's units per 8-bit level (spec §4.3: sample = (y + 1) / 2 · 255). */
const FIELD_PER_LEVEL = 2 / 255;

/**
 * Adds the residual to a rendered field in place (spec §4.7): Y, Cb and Cr
 * rendered at the field's size and turned into RGB by the inverse of JPEG's
 * transform (without chroma, Y alone on every colour channel), in the
 * field's units. Alpha is left as it is.
 */
export function addResidual(field: FieldImage, residual: ImageResidual, source: { width: number; height: number }): void {
  const { width, height, channels, values } = field;
  const colours = channels >= 3 ? 3 : 1;
  const planes = residualPlanes(source.width, source.height, colours, residual.lumaCoefficients, residual.chromaCoefficients);
  const rows = planes.map((plane) => residualRows(residual, plane, source, width, height));
  const y = new Float64Array(width);
  const cb = new Float64Array(width);
  const cr = new Float64Array(width);
  for (let j = 0; j < height; j++) {
    rows[0]!(j, y);
    const at = j * width * channels;
    if (rows.length === 1) {
      for (let i = 0; i < width; i++) for (let c = 0; c < colours; c++) values[at + i * channels + c]! += y[i]! * FIELD_PER_LEVEL;
      continue;
    }
    rows[1]!(j, cb);
    rows[2]!(j, cr);
    for (let i = 0; i < width; i++) {
      const p = at + i * channels;
      values[p]! += (y[i]! + 1.402 * cr[i]!) * FIELD_PER_LEVEL;
      values[p + 1]! += (y[i]! - 0.344136 * cb[i]! - 0.714136 * cr[i]!) * FIELD_PER_LEVEL;
      values[p + 2]! += (y[i]! + 1.772 * cb[i]!) * FIELD_PER_LEVEL;
    }
  }
}
