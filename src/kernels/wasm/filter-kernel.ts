import { clampIndex, copyPaddedRow } from '../padded-rows.js';
import { align, ALIGN, decodeKernels, reserve } from './decode-instance.js';

/**
 * The restoration filter on the WASM kernels (assembly/kernels.ts
 * `filterSets` and `filterRgb`): the classes and the RGB correction with the
 * same operations as the TypeScript in post-filter.ts, to the bit, without
 * its warm-up (a decode runs the filter once, cold) and without bounds
 * checks. The correction takes the image through the kernel's memory a band
 * of rows at a time, widened by copies of the edge pixels so that every
 * pixel, the edges too, is the kernel's; the classes need whole maps (about 17 bytes a pixel),
 * and where the memory cannot grow that far the TypeScript does the work.
 * Browser-safe. The memory is kept between calls (it only grows).
 */

/** Rows per band (plus the taps' reach above and below). */
const BAND_ROWS = 64;

type FilterSetsExport = (
  luma: number, width: number, height: number, stepX: number, stepY: number, boxX: number, boxY: number,
  thresholds: number, nThresholds: number, directions: number,
  laplacian: number, rows: number, activity: number, prefix: number, ring: number, differences: number, columns: number, sets: number,
) => void;

type FilterRgbExport = (
  values: number, out: number, sets: number, coef: number, bounds: number, own: number, nOwn: number, cross: number, nCross: number,
  width: number, channels: number, reachX: number, reachY: number, rows: number, n: number,
) => void;

/** What one filter pass needs besides the field: the same arrays the TypeScript loop reads. */
export interface FilterRgbPass {
  /** The whole field: the rows the pass reads beyond its own are clamped to it. */
  readonly values: Float32Array;
  /**
   * Rows [first, end) of the output from 0, every sample written (alpha
   * copied); it may be those rows of `values` themselves.
   */
  readonly out: Float32Array;
  /** The sets of rows [first, end), from 0. */
  readonly sets: Uint8Array;
  readonly coefficients: Float64Array;
  /** With clipped taps (spec §4.9): every set's bound for each own tap; undefined for the plain filter. */
  readonly bounds?: Float64Array | undefined;
  /** The taps as [dy, dx] offsets in output pixels: the channel's own, then the cross taps. */
  readonly own: readonly (readonly [number, number])[];
  readonly cross: readonly (readonly [number, number])[];
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** How far the taps reach: the padding the band needs at each side. */
  readonly reachX: number;
  readonly reachY: number;
  /** Coefficients per set and channel. */
  readonly n: number;
  /** The rows filtered. */
  readonly first: number;
  readonly end: number;
}

interface FilterKernels {
  readonly memory: WebAssembly.Memory;
  readonly filterRgb: FilterRgbExport;
  readonly filterSets: FilterSetsExport;
}

/** The kernels, loaded on first use; null where the decode instance has none. */
const filterKernels = decodeKernels<FilterKernels>('filterRgb', 'filterSets');

/** What the classes read: post-filter.ts's `Neighbourhood`, its luma asked for a band of rows at a time. */
export interface FilterSetsInput {
  /** Writes the luma of rows [first, end) to `out` (row `first` at 0). */
  readonly lumaRows: (first: number, end: number, out: Float32Array) => void;
  readonly width: number;
  readonly height: number;
  readonly stepX: number;
  readonly stepY: number;
  readonly boxX: number;
  readonly boxY: number;
}

/**
 * Every pixel's coefficient set (activity class × directions + direction),
 * or undefined where the kernels are not there or their memory cannot hold
 * the maps. A band of rows at a time, each with the rows its boxes reach
 * above and below (a pixel's set reads no further, spec §4.6), so that the
 * maps take the memory of a band, not of the image: fresh memory is slow
 * to touch the first time (docs/engine.md).
 */
export function filterSetsOnWasm(input: FilterSetsInput, thresholds: Float32Array, directions: number): Uint8Array | undefined {
  const kernel = filterKernels();
  if (kernel === null) return undefined;
  const { lumaRows, width, height, stepX, stepY, boxX, boxY } = input;
  const context = stepY + boxY;
  const bandRows = Math.min(height, Math.max(SET_BAND_ROWS, context));
  const most = Math.min(height, bandRows + 2 * context) * width;
  // Layout (bytes): [luma][laplacian][rows][activity] f32 × most, [prefix] f64, [thresholds] f32, [ring][differences][columns] f64, [sets] u8.
  const lumaAt = ALIGN;
  const laplacianAt = align(lumaAt + 4 * most);
  const rowsAt = align(laplacianAt + 4 * most);
  const activityAt = align(rowsAt + 4 * most);
  const prefixAt = align(activityAt + 4 * most);
  const thresholdsAt = align(prefixAt + 8 * (Math.max(width, height) + 1));
  const ringAt = align(thresholdsAt + 4 * thresholds.length);
  const differencesAt = align(ringAt + 8 * (2 * boxY + 2) * 4 * width);
  const columnsAt = align(differencesAt + 8 * 4 * width);
  const setsAt = align(columnsAt + 8 * 4 * width);
  if (!reserve(kernel.memory, setsAt + most)) return undefined;
  const buffer = kernel.memory.buffer;
  new Float32Array(buffer, thresholdsAt, thresholds.length).set(thresholds);
  const sets = new Uint8Array(width * height);
  for (let first = 0; first < height; first += bandRows) {
    const end = Math.min(height, first + bandRows);
    const top = Math.max(0, first - context);
    const bottom = Math.min(height, end + context);
    lumaRows(top, bottom, new Float32Array(buffer, lumaAt, (bottom - top) * width));
    kernel.filterSets(
      lumaAt, width, bottom - top, stepX, stepY, boxX, boxY, thresholdsAt, thresholds.length, directions,
      laplacianAt, rowsAt, activityAt, prefixAt, ringAt, differencesAt, columnsAt, setsAt,
    );
    sets.set(new Uint8Array(buffer, setsAt + (first - top) * width, (end - first) * width), first * width);
  }
  return sets;
}

/** Rows per band of the classes (plus the rows their boxes reach above and below). */
const SET_BAND_ROWS = 128;

/** Side of the blank image `warmFilterKernels` filters: enough work for V8 to tier the kernels up, in about 0.5 ms. */
const WARM_SIZE = 64;

/**
 * Runs both kernels once on a small blank image. V8 runs a WASM function's
 * first calls in its baseline tier, and a call that has started there ends
 * there; the classes are one call on the whole image. Called before the
 * networks render, this lets V8 compile the optimized kernels on another
 * thread meanwhile (measured: the first 768×512 classes in 23–31 ms
 * instead of 49–63).
 */
export function warmFilterKernels(): void {
  const size = WARM_SIZE;
  const blank = new Float32Array(size * size * 3);
  filterSetsOnWasm({ lumaRows: (first, end, out) => out.set(blank.subarray(first * size, end * size)), width: size, height: size, stepX: 1, stepY: 1, boxX: 2, boxY: 2 }, new Float32Array(1), 5);
  filterRgbOnWasm({
    values: blank, out: new Float32Array(blank.length), sets: new Uint8Array(size * size), coefficients: new Float64Array(3),
    own: [[0, 1]], cross: [], width: size, height: size, channels: 3, reachX: 1, reachY: 0, n: 1, first: 0, end: size,
  });
}

/**
 * Filters every pixel of `pass` on the kernel; false (nothing done) where
 * this runtime has no WASM SIMD build to load, and the caller's TypeScript
 * loop does the work.
 */
export function filterRgbOnWasm(pass: FilterRgbPass): boolean {
  const kernel = filterKernels();
  if (kernel === null) return false;
  const { values, out, sets, coefficients, bounds, own, cross, width, height, channels, reachX, reachY, n, first, end } = pass;
  // Each band row is widened by reachX pixels a side and the band by reachY rows (spec §4.6's clamping).
  const paddedWidth = width + 2 * reachX;
  const rowFloats = paddedWidth * channels;
  const strides = (taps: FilterRgbPass['own']): Int32Array => Int32Array.from(taps, ([dy, dx]) => (dy * paddedWidth + dx) * channels);
  const ownStrides = strides(own);
  const crossStrides = strides(cross);
  // A band at least as tall as the taps reach, so that filtering in place never reads a row already written (below).
  const bandRows = Math.min(Math.max(BAND_ROWS, reachY), end - first);
  // Layout (bytes): [coefficients f64][bounds f64][own i32][cross i32][sets u8][values f32, band + reach rows][out f32, band rows]
  const coefAt = ALIGN;
  const boundsAt = align(coefAt + coefficients.length * 8);
  const ownAt = align(boundsAt + (bounds?.length ?? 0) * 8);
  const crossAt = align(ownAt + ownStrides.length * 4);
  const setsAt = align(crossAt + crossStrides.length * 4);
  const valuesAt = align(setsAt + bandRows * paddedWidth);
  const outAt = align(valuesAt + (bandRows + 2 * reachY) * rowFloats * 4);
  const { memory, filterRgb } = kernel;
  if (!reserve(memory, outAt + bandRows * rowFloats * 4)) return false;
  const buffer = memory.buffer;
  new Float64Array(buffer, coefAt, coefficients.length).set(coefficients);
  if (bounds !== undefined) new Float64Array(buffer, boundsAt, bounds.length).set(bounds);
  new Int32Array(buffer, ownAt, ownStrides.length).set(ownStrides);
  new Int32Array(buffer, crossAt, crossStrides.length).set(crossStrides);
  const setView = new Uint8Array(buffer, setsAt, bandRows * paddedWidth);
  const f32 = new Float32Array(buffer);
  const rowSamples = width * channels;
  // A band's output is written back once the next band has read its rows: the one after it reads the last reachY
  // of them, and `out` may be `values`.
  let written = { y0: first, rows: 0 };
  const writeBack = ({ y0, rows }: { y0: number; rows: number }): void => {
    for (let r = 0; r < rows; r++) {
      const from = (outAt >> 2) + r * rowFloats + reachX * channels;
      out.set(f32.subarray(from, from + rowSamples), (y0 - first + r) * rowSamples);
    }
  };
  for (let y0 = first; y0 < end; y0 += bandRows) {
    const rows = Math.min(bandRows, end - y0);
    for (let r = -reachY; r < rows + reachY; r++) {
      copyPaddedRow(f32, (valuesAt >> 2) + (r + reachY) * rowFloats, values, clampIndex(y0 + r, height), width, channels, reachX);
    }
    writeBack(written);
    // The band's output starts as its input, so that alpha keeps its samples.
    const bandAt = (valuesAt >> 2) + reachY * rowFloats;
    f32.copyWithin(outAt >> 2, bandAt, bandAt + rows * rowFloats);
    for (let r = 0; r < rows; r++) setView.set(sets.subarray((y0 - first + r) * width, (y0 - first + r + 1) * width), r * paddedWidth + reachX);
    filterRgb(valuesAt, outAt, setsAt, coefAt, bounds === undefined ? 0 : boundsAt, ownAt, ownStrides.length, crossAt, crossStrides.length, paddedWidth, channels, reachX, reachY, rows, n);
    written = { y0, rows };
  }
  writeBack(written);
  return true;
}
