import type { Raster } from '../raster.js';
import type { SirenArch } from './arch.js';
import { forwardScalar } from './forward.js';
import { encodeCoordinates, encodeGrid } from './input-encoding.js';
import { blendWeight } from './blend.js';
import { axisPixels } from './pixel-grid.js';

/**
 * Evaluates a field at `count` points; `forwardScalar` has this shape. May
 * be asynchronous (a multi-threaded evaluator), and `renderImage` awaits it.
 */
export type ForwardFunction = (arch: SirenArch, params: Float32Array, coords: Float32Array, count: number, out: Float32Array) => void | Promise<void>;

/** One network and the rectangle of source pixels it covers (spec §3). */
export interface ImageNetwork {
  /** [x0, y0, x1, y1]: the network's cell, source pixels [x0, x1) × [y0, y1). */
  readonly region: readonly [number, number, number, number];
  /**
   * The pixels it covers and its coordinate frame, when blending grows the
   * cell by an overlap (spec §3.5); default `region`.
   */
  readonly frame?: readonly [number, number, number, number];
  readonly arch: SirenArch;
  /** Dequantized parameters in the layout of `arch.ts`. */
  readonly params: Float32Array;
}

/** The output pixels whose centres fall in one region, as a grid of columns and rows, with their field coordinates per axis. */
export interface RegionAxes {
  readonly firstColumn: number;
  readonly columns: number;
  readonly firstRow: number;
  readonly rows: number;
  /** The field's x of each column and y of each row (float32, as the network sees them). */
  readonly xs: Float32Array;
  readonly ys: Float32Array;
}

/** The output pixels that fall in one region, and their field coordinates. */
export interface RegionGrid extends RegionAxes {
  /** x then y for each pixel, row by row: columns × rows × 2 values. */
  readonly coords: Float32Array;
}

/**
 * The pixels of an `outWidth` × `outHeight` grid whose centres, mapped back to
 * source pixel units, fall in `region`, with the coordinates of their
 * columns and rows in the region's field (spec §4.3): each axis maps the
 * region independently onto [-1, 1], so a non-square region is stretched to
 * the square. At the source size this is exactly the training grid; at any
 * other size it samples the same continuous field at the new pixel centres.
 */
export function regionAxes(
  sourceWidth: number, sourceHeight: number, region: readonly [number, number, number, number],
  outWidth: number, outHeight: number,
): RegionAxes {
  const [x0, y0, x1, y1] = region;
  const x = axisPixels(sourceWidth, outWidth, x0, x1);
  const y = axisPixels(sourceHeight, outHeight, y0, y1);
  return { firstColumn: x.first, columns: x.count, firstRow: y.first, rows: y.count, xs: x.coords, ys: y.coords };
}

/** `regionAxes`, with the coordinates of every pixel spelled out (x, y per pixel, row by row), as the encoder's training set. */
export function regionGrid(
  sourceWidth: number, sourceHeight: number, region: readonly [number, number, number, number],
  outWidth: number, outHeight: number,
): RegionGrid {
  const axes = regionAxes(sourceWidth, sourceHeight, region, outWidth, outHeight);
  const coords = new Float32Array(axes.columns * axes.rows * 2);
  for (let r = 0; r < axes.rows; r++) {
    for (let c = 0; c < axes.columns; c++) {
      coords[2 * (r * axes.columns + c)] = axes.xs[c]!;
      coords[2 * (r * axes.columns + c) + 1] = axes.ys[r]!;
    }
  }
  return { ...axes, coords };
}

/** Maps a field output back to an 8-bit sample (inverse of `normalizeSample`). */
export function denormalizeSample(y: number): number {
  const v = Math.round(((y + 1) / 2) * 255);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Maps an 8-bit sample to the field's target range [-1, 1] (spec §3). */
export function normalizeSample(v: number): number {
  return (2 * v) / 255 - 1;
}

/** Largest 16-bit sample. */
const MAX16 = 65535;

/** Maps a 16-bit sample to the same target range: the 8-bit sample v and the 16-bit 257·v have the same target (spec §4.3). */
export function normalizeSample16(v: number): number {
  return (2 * v) / MAX16 - 1;
}

/** Maps a field output to a 16-bit sample (spec §4.3, 16-bit output): the inverse of `normalizeSample16`. */
export function denormalizeSample16(y: number): number {
  const v = Math.round(((y + 1) / 2) * MAX16);
  return v < 0 ? 0 : v > MAX16 ? MAX16 : v;
}

/** Encoded input floats per `evaluateField` call: bounds the memory of a Fourier encoding to 64 MiB. */
const ENCODED_FLOATS_PER_CALL = 1 << 24;

/**
 * Evaluates a field at the 2-D points `coords` into `out` (points ×
 * outputs), Fourier-encoding the coordinates first when the field's
 * architecture says so (spec §4.1), a bounded batch at a time.
 */
export async function evaluateField(arch: SirenArch, params: Float32Array, coords: Float32Array, out: Float32Array, forward: ForwardFunction): Promise<void> {
  const levels = arch.fourier ?? 0;
  const dims = arch.inputs / (1 + 2 * levels);
  if (!Number.isInteger(dims)) throw new RangeError(`Expected inputs = coordinates × ${1 + 2 * levels} for ${levels} Fourier levels but received ${arch.inputs}`);
  const count = coords.length / dims;
  if (levels === 0) {
    await forward(arch, params, coords, count, out);
    return;
  }
  const batch = Math.max(1, Math.floor(ENCODED_FLOATS_PER_CALL / arch.inputs));
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const encoded = encodeCoordinates(coords.subarray(start * dims, end * dims), dims, levels);
    await forward(arch, params, encoded, end - start, out.subarray(start * arch.outputs, end * arch.outputs));
  }
}

/** Buffers `evaluateGrid` may reuse from one call to the next (see `encodeGrid`). */
export interface GridScratch {
  inputs: Float32Array;
}

/**
 * Evaluates a field on the pixel grid `axes` into `out` (rows × columns ×
 * outputs), a bounded batch of rows at a time; with Fourier inputs each
 * batch is encoded by `encodeGrid`, which computes the sines per column and
 * per row rather than per pixel.
 */
export async function evaluateGrid(
  arch: SirenArch, params: Float32Array, axes: RegionAxes, out: Float32Array, forward: ForwardFunction, scratch?: GridScratch,
): Promise<void> {
  const levels = arch.fourier ?? 0;
  if (arch.inputs !== 2 * (1 + 2 * levels)) throw new RangeError(`Expected inputs = 2 × ${1 + 2 * levels} for ${levels} Fourier levels but received ${arch.inputs}`);
  const { columns, rows, xs, ys } = axes;
  const batchRows = Math.max(1, Math.floor(ENCODED_FLOATS_PER_CALL / (arch.inputs * Math.max(1, columns))));
  for (let first = 0; first < rows; first += batchRows) {
    const end = Math.min(rows, first + batchRows);
    const floats = (end - first) * columns * arch.inputs;
    if (scratch !== undefined && scratch.inputs.length < floats) scratch.inputs = new Float32Array(floats);
    const inputs = encodeGrid(xs, ys.subarray(first, end), levels, scratch?.inputs);
    const count = (end - first) * columns;
    await forward(arch, params, inputs, count, out.subarray(first * columns * arch.outputs, end * columns * arch.outputs));
  }
}

/** How `renderImage` renders, beyond what. */
export interface RenderOptions {
  /**
   * Pixels of overlap on x and y when the networks are blended (spec §3.5):
   * each network covers its `frame`, and an output pixel is the sum of
   * weight × field over the networks whose weight at its centre is above 0.
   */
  readonly overlap?: readonly number[];
  /** 16: also render 16-bit samples (`Raster.data16`); the field is continuous, so they are not the 8-bit ones scaled. Default 8. */
  readonly sampleBits?: 8 | 16;
}

/**
 * Renders the image that `networks` describe at `outWidth` × `outHeight`.
 * Without `overlap`, an output pixel belongs to the network whose source
 * region holds its centre, mapped back to source pixel units, and samples
 * it at the region-local pixel-centre coordinate. With `overlap` ([ox, oy],
 * spec §3.5), each network covers its `frame` and an output pixel is the
 * sum of weight × field over the networks whose frames hold its centre
 * (`blendWeight`: the weights sum to 1), rounded once at the end.
 */
export async function renderImage(
  sourceWidth: number, sourceHeight: number, channels: 1 | 2 | 3 | 4,
  networks: readonly ImageNetwork[], outWidth: number, outHeight: number,
  forward: ForwardFunction = forwardScalar, options: RenderOptions = {},
): Promise<Raster> {
  const { overlap, sampleBits = 8 } = options;
  const data = new Uint8Array(outWidth * outHeight * channels);
  const data16 = sampleBits === 16 ? new Uint16Array(data.length) : undefined;
  const blended = overlap !== undefined && overlap.some((o) => o > 0);
  // Blending sums up to four fields per pixel before rounding: 4 bytes a sample more, only then.
  const sums = blended ? new Float32Array(outWidth * outHeight * channels) : undefined;
  const scaleX = sourceWidth / outWidth;
  const scaleY = sourceHeight / outHeight;
  const scratch: GridScratch = { inputs: new Float32Array(0) };
  for (const network of networks) {
    const frame = blended ? network.frame ?? network.region : network.region;
    const axes = regionAxes(sourceWidth, sourceHeight, frame, outWidth, outHeight);
    const { firstColumn, columns, firstRow, rows } = axes;
    if (columns === 0 || rows === 0) continue;
    const values = new Float32Array(columns * rows * channels);
    await evaluateGrid(network.arch, network.params, axes, values, forward, scratch);
    if (sums === undefined) {
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          const from = (r * columns + c) * channels;
          const to = ((firstRow + r) * outWidth + firstColumn + c) * channels;
          for (let k = 0; k < channels; k++) data[to + k] = denormalizeSample(values[from + k]!);
          if (data16) for (let k = 0; k < channels; k++) data16[to + k] = denormalizeSample16(values[from + k]!);
        }
      }
      continue;
    }
    const [x0, y0, x1, y1] = network.region;
    const weightX = Float32Array.from({ length: columns }, (_, c) => blendWeight((firstColumn + c + 0.5) * scaleX, x0, x1, sourceWidth, overlap![0] ?? 0));
    const weightY = Float32Array.from({ length: rows }, (_, r) => blendWeight((firstRow + r + 0.5) * scaleY, y0, y1, sourceHeight, overlap![1] ?? 0));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const weight = weightX[c]! * weightY[r]!;
        if (weight === 0) continue;
        const from = (r * columns + c) * channels;
        const to = ((firstRow + r) * outWidth + firstColumn + c) * channels;
        for (let k = 0; k < channels; k++) sums[to + k]! += weight * values[from + k]!;
      }
    }
  }
  if (sums !== undefined) {
    for (let i = 0; i < sums.length; i++) data[i] = denormalizeSample(sums[i]!);
    if (data16) for (let i = 0; i < sums.length; i++) data16[i] = denormalizeSample16(sums[i]!);
  }
  return { width: outWidth, height: outHeight, channels, data, ...(data16 ? { data16 } : {}) };
}
