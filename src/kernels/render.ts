import type { Raster } from '../raster.js';
import type { SirenArch } from './arch.js';
import { forwardScalar } from './forward.js';
import { encodeCoordinates, encodeGrid } from './input-encoding.js';
import { blendWeight } from './blend.js';
import { axisPixels } from './pixel-grid.js';
import { applyRestorationFilter, filterRows, type FieldImage, type FilterScale, type RestorationFilter } from './post-filter.js';
import { warmFilterKernels } from './wasm/filter-kernel.js';
import { addResidual, type ImageResidual } from './residual.js';

/**
 * Evaluates a field at `count` points; `forwardScalar` has this shape. May
 * be asynchronous (a multi-threaded evaluator), and `renderImage` awaits it.
 */
export type ForwardFunction = (arch: SirenArch, params: Float32Array, coords: Float32Array, count: number, out: Float32Array) => void | Promise<void>;

/** A field's values on a pixel grid: point (r, c)'s outputs start at (r × columns + c) × stride. */
export interface GridValues {
  readonly values: Float32Array;
  /** Floats per point, at least the field's outputs (an evaluator may pad them). */
  readonly stride: number;
}

/**
 * Evaluates a field on the pixel grid `axes`; the values may be a view of
 * `scratch`, valid until the next call with it. `evaluateGrid` does it with
 * any ForwardFunction; `gridForwardFast` (grid-forward.ts) splits the first
 * layer by axis.
 */
export type GridEvaluator = ((arch: SirenArch, params: Float32Array, axes: RegionAxes, scratch?: GridScratch) => GridValues | Promise<GridValues>) & {
  /** For one that takes time to start (a worker thread): the renderer gives it work once this resolves. */
  readonly ready?: Promise<void>;
  /**
   * For one on another thread: rows [first, end) of the restoration filter's
   * output (`filterRows`), computed there, so that the renderer can share
   * the filter's rows with it as it shares the networks. It has read what it
   * needs of `field` by the time it returns (the renderer then filters the
   * other rows in place).
   */
  readonly filterRows?: (field: FieldImage, filter: RestorationFilter, scale: FilterScale, first: number, end: number) => Promise<Float32Array>;
};

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
  // Clamped first, then rounded half up by truncating x + 0.5: Math.round's result for every float32 y (x + 0.5
  // is exact in float64, as y + 1 is a multiple of 2^−25 there), at a third of its cost; a NaN gives 0.
  const x = ((y + 1) / 2) * 255;
  return x <= 0 ? 0 : x >= 255 ? 255 : (x + 0.5) | 0;
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
  const x = ((y + 1) / 2) * MAX16; // rounded as in denormalizeSample
  return x <= 0 ? 0 : x >= MAX16 ? MAX16 : (x + 0.5) | 0;
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

/**
 * Buffers that `evaluateGrid` and a `GridEvaluator` may reuse from one call
 * to the next: fresh memory is slow to touch the first time (see
 * `encodeGrid`), and a renderer uses one network's values before it asks
 * for the next's.
 */
export interface GridScratch {
  inputs: Float32Array;
  values: Float32Array;
}

/** A view of `length` floats of `scratch[buffer]`, grown first if it is shorter. */
export function scratchFloats(scratch: GridScratch | undefined, buffer: keyof GridScratch, length: number): Float32Array {
  if (scratch === undefined) return new Float32Array(length);
  if (scratch[buffer].length < length) scratch[buffer] = new Float32Array(length);
  return scratch[buffer].subarray(0, length);
}

/**
 * Evaluates a field on the pixel grid `axes` into `out` (rows × columns ×
 * outputs), a bounded batch of rows at a time, and returns `out`; with Fourier inputs each
 * batch is encoded by `encodeGrid`, which computes the sines per column and
 * per row rather than per pixel.
 */
export async function evaluateGrid(
  arch: SirenArch, params: Float32Array, axes: RegionAxes, out: Float32Array, forward: ForwardFunction, scratch?: GridScratch,
): Promise<Float32Array> {
  const levels = arch.fourier ?? 0;
  if (arch.inputs !== 2 * (1 + 2 * levels)) throw new RangeError(`Expected inputs = 2 × ${1 + 2 * levels} for ${levels} Fourier levels but received ${arch.inputs}`);
  const { columns, rows, xs, ys } = axes;
  const batchRows = Math.max(1, Math.floor(ENCODED_FLOATS_PER_CALL / (arch.inputs * Math.max(1, columns))));
  for (let first = 0; first < rows; first += batchRows) {
    const end = Math.min(rows, first + batchRows);
    const floats = (end - first) * columns * arch.inputs;
    const inputs = encodeGrid(xs, ys.subarray(first, end), levels, scratchFloats(scratch, 'inputs', floats));
    const count = (end - first) * columns;
    await forward(arch, params, inputs, count, out.subarray(first * columns * arch.outputs, end * columns * arch.outputs));
  }
  return out;
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
  /**
   * Evaluates each network on its pixels instead of `evaluateGrid` with
   * `forward`. Several (one per thread) share the work, a band of a network
   * each at a time; the results are placed in network order whatever
   * finishes first, so the samples are the same for any number of them.
   */
  readonly grid?: GridEvaluator | readonly GridEvaluator[];
  /** The restoration filter the field passes through before rounding (spec §4.6); none if absent. */
  readonly filter?: RestorationFilter;
  /** The DCT residual added to the field after the filter (spec §4.7); none if absent. */
  readonly residual?: ImageResidual;
  /** The second restoration filter, run after the residual (spec §4.8); none if absent. */
  readonly finalFilter?: RestorationFilter;
}

/**
 * Renders the image that `networks` describe at `outWidth` × `outHeight`
 * (`renderField`), runs it through `options.filter` if there is one (in
 * place, its rows shared with a grid evaluator that can filter), and rounds
 * it to samples: the same samples as `rasterFromField` of the field.
 */
export async function renderImage(
  sourceWidth: number, sourceHeight: number, channels: 1 | 2 | 3 | 4,
  networks: readonly ImageNetwork[], outWidth: number, outHeight: number,
  forward: ForwardFunction = forwardScalar, options: RenderOptions = {},
): Promise<Raster> {
  // The filters' kernels get compiled while the networks render (see warmFilterKernels).
  if (options.filter !== undefined || options.finalFilter !== undefined) warmFilterKernels();
  const field = await renderField(sourceWidth, sourceHeight, channels, networks, outWidth, outHeight, forward, options);
  // The field is the renderer's own, so it is filtered in place: a second field's memory is slow to touch.
  const scale = { x: outWidth / sourceWidth, y: outHeight / sourceHeight };
  if (options.filter !== undefined) await filterInPlace(field, options.filter, scale, await filterHelper(options.grid));
  if (options.residual !== undefined) addResidual(field, options.residual, { width: sourceWidth, height: sourceHeight });
  if (options.finalFilter !== undefined) await filterInPlace(field, options.finalFilter, scale, await filterHelper(options.grid));
  return roundedRaster(field, field.values, options.sampleBits);
}

/** `RenderOptions.grid` as a list. */
function evaluatorsOf(grid: NonNullable<RenderOptions['grid']>): readonly GridEvaluator[] {
  return Array.isArray(grid) ? (grid as readonly GridEvaluator[]) : [grid as GridEvaluator];
}

/** Fewest rows of output for which `renderImage` shares the restoration filter with another thread. */
const SHARED_FILTER_ROWS = 64;

/** The first of `grid`'s evaluators that filters rows on another thread and has started, if any. */
async function filterHelper(grid: RenderOptions['grid']): Promise<GridEvaluator['filterRows']> {
  for (const lane of grid === undefined ? [] : evaluatorsOf(grid)) {
    if (lane.filterRows === undefined) continue;
    try {
      await lane.ready;
      return lane.filterRows;
    } catch {
      // a lane that could not start filters nothing either
    }
  }
  return undefined;
}

/**
 * Runs the restoration filter over `field`, writing its values in place;
 * with a `helper`, its thread filters the lower rows while this one filters
 * the upper. Each filtered row reads only a few rows around it
 * (`filterRows`), so either way the samples are the whole filter's, to the bit.
 */
async function filterInPlace(field: FieldImage, filter: RestorationFilter, scale: FilterScale, helper: GridEvaluator['filterRows']): Promise<void> {
  const { height, values } = field;
  const rowSamples = field.width * field.channels;
  if (helper === undefined || height < SHARED_FILTER_ROWS) {
    filterRows(field, filter, scale, 0, height, values);
    return;
  }
  const split = Math.ceil(height / 2);
  const lower = helper(field, filter, scale, split, height);
  filterRows(field, filter, scale, 0, split, values.subarray(0, split * rowSamples));
  values.set(await lower, split * rowSamples);
}

/**
 * The samples of a rendered field: through `options.filter` if there is one
 * (its offsets scaled by `scale`, output pixels per source pixel), plus
 * `options.residual` if there is one, through `options.finalFilter` if there is one, then rounded by the inverse of
 * the normalization (spec §4.3), to 8 bits and with `sampleBits` 16 to 16 bits as well.
 */
export function rasterFromField(
  field: FieldImage, scale: { x: number; y: number }, options: Pick<RenderOptions, 'filter' | 'residual' | 'finalFilter' | 'sampleBits'> = {},
): Raster {
  return roundedRaster(field, correctedField(field, scale, options), options.sampleBits);
}

/**
 * The values of a rendered field after the corrections the header gives, in their order (spec §4.6–§4.8): the
 * restoration filter, the DCT residual, the final filter. The caller's field stays as it was; with none of them its
 * own values come back.
 */
export function correctedField(
  field: FieldImage, scale: { x: number; y: number }, options: Pick<RenderOptions, 'filter' | 'residual' | 'finalFilter'>,
): Float32Array {
  let values = options.filter === undefined ? field.values : applyRestorationFilter(field, options.filter, scale);
  if (options.residual !== undefined) {
    if (values === field.values) values = values.slice();
    addResidual({ ...field, values }, options.residual, { width: Math.round(field.width / scale.x), height: Math.round(field.height / scale.y) });
  }
  return options.finalFilter === undefined ? values : applyRestorationFilter({ ...field, values }, options.finalFilter, scale);
}

/** The raster of `field`'s size and layout holding `values` rounded to 8 bits, and with `sampleBits` 16 to 16 bits as well. */
function roundedRaster(field: FieldImage, values: Float32Array, sampleBits: RenderOptions['sampleBits']): Raster {
  const { width, height, channels } = field;
  const data = new Uint8Array(values.length);
  const rowLength = Math.max(1, width * channels);
  roundSamples(values, data, denormalizeSample, rowLength);
  const data16 = sampleBits === 16 ? new Uint16Array(values.length) : undefined;
  if (data16) roundSamples(values, data16, denormalizeSample16, rowLength);
  return { width, height, channels: channels as Raster['channels'], data, ...(data16 ? { data16 } : {}) };
}

/**
 * The field that `networks` describe at `outWidth` × `outHeight`, in the
 * networks' output units (before rounding). Without `overlap`, an output
 * pixel belongs to the network whose source region holds its centre,
 * mapped back to source pixel units, and samples it at the region-local
 * pixel-centre coordinate. With `overlap` ([ox, oy], spec §3.5), each
 * network covers its `frame` and an output pixel is the sum of weight ×
 * field over the networks whose frames hold its centre (`blendWeight`: the
 * weights sum to 1). Holds 4 bytes a sample: the restoration filter and the
 * blend both need the field before rounding.
 */
export async function renderField(
  sourceWidth: number, sourceHeight: number, channels: 1 | 2 | 3 | 4,
  networks: readonly ImageNetwork[], outWidth: number, outHeight: number,
  forward: ForwardFunction = forwardScalar, options: Pick<RenderOptions, 'overlap' | 'grid'> = {},
): Promise<FieldImage> {
  const { overlap, grid } = options;
  const blended = overlap !== undefined && overlap.some((o) => o > 0);
  const sums = new Float32Array(outWidth * outHeight * channels);
  const scaleX = sourceWidth / outWidth;
  const scaleY = sourceHeight / outHeight;
  // Every network's bands, in order; each is evaluated by a free evaluator and placed in this order.
  const jobs: BandJob[] = [];
  for (const network of networks) {
    const frame = blended ? network.frame ?? network.region : network.region;
    const whole = regionAxes(sourceWidth, sourceHeight, frame, outWidth, outHeight);
    if (whole.columns === 0 || whole.rows === 0) continue;
    const [x0, , x1] = network.region;
    const weightX = blended ? Float32Array.from({ length: whole.columns }, (_, c) => blendWeight((whole.firstColumn + c + 0.5) * scaleX, x0, x1, sourceWidth, overlap![0] ?? 0)) : undefined;
    // A band of rows at a time, so that a network's values take bounded memory however large the output.
    const bandRows = Math.max(1, Math.floor(BAND_POINTS / whole.columns));
    for (let band = 0; band < whole.rows; band += bandRows) jobs.push({ network, axes: rowBand(whole, band, Math.min(whole.rows, band + bandRows)), weightX });
  }
  const plain: GridEvaluator = async (arch, params, axes, scratch) =>
    ({ values: await evaluateGrid(arch, params, axes, scratchFloats(scratch, 'values', axes.columns * axes.rows * channels), forward, scratch), stride: channels });
  const evaluators = grid === undefined ? [plain] : evaluatorsOf(grid);
  const scratches = evaluators.map((): GridScratch => ({ inputs: new Float32Array(0), values: new Float32Array(0) }));
  await inOrder(jobs.length, evaluators, (j, lane) => {
    const { network, axes } = jobs[j]!;
    return evaluators[lane]!(network.arch, network.params, axes, scratches[lane]);
  }, (j, field) => {
    const { network, axes, weightX } = jobs[j]!;
    const place = { outWidth, firstColumn: axes.firstColumn, columns: axes.columns, firstRow: axes.firstRow, rows: axes.rows, channels };
    if (weightX === undefined) {
      storeValues(field, place, sums);
      return;
    }
    const [, y0, , y1] = network.region;
    const weightY = Float32Array.from({ length: axes.rows }, (_, r) => blendWeight((axes.firstRow + r + 0.5) * scaleY, y0, y1, sourceHeight, overlap![1] ?? 0));
    addWeighted(field, place, weightX, weightY, sums);
  });
  return { width: outWidth, height: outHeight, channels, values: sums };
}

/** One band of one network's pixels, and the network's blend weights per column (blended files). */
interface BandJob {
  readonly network: ImageNetwork;
  readonly axes: RegionAxes;
  readonly weightX: Float32Array | undefined;
}

/**
 * Runs `evaluate(job, lane)` for jobs 0 … count − 1, each lane taking the
 * next job when it is free (a lane with `ready` once that resolves; none
 * if it rejects), and
 * `place(job, result)` strictly in job order. A lane takes its next job only
 * after its last result is placed, so it may reuse its buffers.
 */
async function inOrder<T>(
  count: number, lanes: readonly { readonly ready?: Promise<void> }[],
  evaluate: (job: number, lane: number) => T | Promise<T>, place: (job: number, result: T) => void,
): Promise<void> {
  let next = 0;
  let placed = 0;
  const waiting = new Map<number, () => void>();
  const turn = (job: number): Promise<void> => (job === placed ? Promise.resolve() : new Promise((resolve) => waiting.set(job, resolve)));
  const run = async (lane: number): Promise<void> => {
    try {
      await lanes[lane]!.ready;
    } catch {
      return; // a lane that could not start takes no work; the others do it all
    }
    while (next < count) {
      const job = next++;
      const result = await evaluate(job, lane);
      await turn(job);
      place(job, result);
      placed += 1;
      waiting.get(placed)?.();
      waiting.delete(placed);
      // A lane on this thread computes synchronously: let the others' messages (their results, a worker's
      // readiness) in between jobs, or they would wait until this lane ran out of work.
      if (lanes.length > 1) await nextTask();
    }
  };
  await Promise.all(lanes.map((_, lane) => run(lane)));
}

/** Resolves after the event loop's pending tasks: setImmediate where there is one (Node), else a zero timeout. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Grid points per evaluation of a network: 2^16, 2 MiB of values at 8 floats a point. */
const BAND_POINTS = 1 << 16;

/** Rows [first, end) of a region's grid. */
function rowBand(axes: RegionAxes, first: number, end: number): RegionAxes {
  return { ...axes, firstRow: axes.firstRow + first, rows: end - first, ys: axes.ys.subarray(first, end) };
}

// The per-pixel loops are small functions of their own: a decode runs each
// once per network, and V8 optimizes a small hot function sooner than a loop
// in the middle of a large one (measured: renderImage's own time on a first
// decode fell from about 90 to 50 ms, docs/engine.md).

/** Where one network's grid lands in the output: columns × rows from (firstColumn, firstRow) of an image outWidth wide. */
interface Placement {
  readonly outWidth: number;
  readonly firstColumn: number;
  readonly columns: number;
  readonly firstRow: number;
  readonly rows: number;
  readonly channels: number;
}

/** Copies a network's values into the field (no blending: each pixel has one network). */
function storeValues(field: GridValues, place: Placement, out: Float32Array): void {
  const { values, stride } = field;
  const { outWidth, firstColumn, columns, firstRow, rows, channels } = place;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const from = (r * columns + c) * stride;
      const to = ((firstRow + r) * outWidth + firstColumn + c) * channels;
      for (let k = 0; k < channels; k++) out[to + k] = values[from + k]!;
    }
  }
}

/** sums += weightX[c] × weightY[r] × value, over a network's pixels whose weight is above 0. */
function addWeighted(field: GridValues, place: Placement, weightX: Float32Array, weightY: Float32Array, sums: Float32Array): void {
  const { values, stride } = field;
  const { outWidth, firstColumn, columns, firstRow, rows, channels } = place;
  for (let r = 0; r < rows; r++) {
    const wy = weightY[r]!;
    if (wy !== 0) addWeightedRow(values, r * columns * stride, stride, weightX, wy, sums, ((firstRow + r) * outWidth + firstColumn) * channels, channels);
  }
}

/**
 * One row of addWeighted: a small function called once a row, so that V8 optimizes it within the first network
 * (the whole band in one loop ran unoptimized, boxing every product, until on-stack replacement).
 */
function addWeightedRow(
  values: Float32Array, from: number, stride: number, weightX: Float32Array, wy: number, sums: Float32Array, to: number, channels: number,
): void {
  for (let c = 0; c < weightX.length; c++, from += stride, to += channels) {
    const weight = weightX[c]! * wy;
    if (weight === 0) continue;
    for (let k = 0; k < channels; k++) sums[to + k]! += weight * values[from + k]!;
  }
}

/** Rounds the field's values into samples, `rowLength` at a time (a small function V8 optimizes early, as above). */
function roundSamples(sums: Float32Array, out: Uint8Array | Uint16Array, round: (y: number) => number, rowLength: number): void {
  for (let from = 0; from < sums.length; from += rowLength) roundRow(sums, out, round, from, Math.min(sums.length, from + rowLength));
}

function roundRow(sums: Float32Array, out: Uint8Array | Uint16Array, round: (y: number) => number, from: number, end: number): void {
  for (let i = from; i < end; i++) out[i] = round(sums[i]!);
}
