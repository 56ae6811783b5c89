import { bestVariant, kernelModule } from './load.js';

/**
 * The restoration filter on the WASM kernels (assembly/kernels.ts
 * `filterSets` and `filterRgb`): the classes and the RGB correction with the
 * same operations as the TypeScript in post-filter.ts, to the bit, without
 * its warm-up (a decode runs the filter once, cold) and without bounds
 * checks. The correction takes the image through the kernel's memory a band
 * of rows at a time; the classes need whole maps (about 17 bytes a pixel),
 * and where the memory cannot grow that far the TypeScript does the work.
 * Browser-safe. The memory is kept between calls (it only grows).
 */

/** Rows per band (plus the taps' reach above and below). */
const BAND_ROWS = 64;
const ALIGN = 16;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

type FilterSetsExport = (
  luma: number, width: number, height: number, stepX: number, stepY: number, boxX: number, boxY: number,
  thresholds: number, nThresholds: number, directions: number,
  laplacian: number, rows: number, activity: number, prefix: number, ring: number, differences: number, columns: number, sets: number,
) => void;

type FilterRgbExport = (
  values: number, out: number, sets: number, coef: number, own: number, nOwn: number, cross: number, nCross: number,
  width: number, channels: number, reachX: number, reachY: number, rows: number, n: number,
) => void;

/** What one filter pass needs besides the field: the same arrays the TypeScript loop reads. */
export interface FilterRgbPass {
  readonly values: Float32Array;
  /** The output, a copy of `values`: the kernel writes the pixels at least `reachX`, `reachY` from every edge. */
  readonly out: Float32Array;
  readonly sets: Uint8Array;
  readonly coefficients: Float64Array;
  readonly own: Int32Array;
  readonly cross: Int32Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly reachX: number;
  readonly reachY: number;
  /** Coefficients per set and channel. */
  readonly n: number;
}

interface FilterKernels {
  readonly memory: WebAssembly.Memory;
  readonly filterRgb: FilterRgbExport;
  readonly filterSets: FilterSetsExport;
}

let kernel: FilterKernels | null | undefined;

/** What the classes read (post-filter.ts `Neighbourhood`). */
export interface FilterSetsInput {
  readonly luma: Float32Array;
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
 * the maps.
 */
export function filterSetsOnWasm(input: FilterSetsInput, thresholds: Float32Array, directions: number): Uint8Array | undefined {
  if (kernel === undefined) kernel = loadKernel();
  if (kernel === null) return undefined;
  const { luma, width, height, stepX, stepY, boxX, boxY } = input;
  const count = width * height;
  // Layout (bytes): [luma][laplacian][rows][activity] f32 × count, [prefix] f64, [thresholds] f32, [ring][differences][columns] f64, [sets] u8.
  const lumaAt = ALIGN;
  const laplacianAt = align(lumaAt + 4 * count);
  const rowsAt = align(laplacianAt + 4 * count);
  const activityAt = align(rowsAt + 4 * count);
  const prefixAt = align(activityAt + 4 * count);
  const thresholdsAt = align(prefixAt + 8 * (Math.max(width, height) + 1));
  const ringAt = align(thresholdsAt + 4 * thresholds.length);
  const differencesAt = align(ringAt + 8 * (2 * boxY + 2) * 4 * width);
  const columnsAt = align(differencesAt + 8 * 4 * width);
  const setsAt = align(columnsAt + 8 * 4 * width);
  if (!reserve(kernel.memory, setsAt + count)) return undefined;
  const buffer = kernel.memory.buffer;
  new Float32Array(buffer, lumaAt, count).set(luma);
  new Float32Array(buffer, thresholdsAt, thresholds.length).set(thresholds);
  kernel.filterSets(
    lumaAt, width, height, stepX, stepY, boxX, boxY, thresholdsAt, thresholds.length, directions,
    laplacianAt, rowsAt, activityAt, prefixAt, ringAt, differencesAt, columnsAt, setsAt,
  );
  return new Uint8Array(buffer, setsAt, count).slice();
}

/** Grows `memory` to at least `bytes`; false if it cannot (the 4 GiB of a 32-bit memory, or the host's limit). */
function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the kernel over every pixel of `pass` whose taps stay inside the
 * image; false (nothing done) where this runtime has no WASM SIMD build to
 * load, and the caller's TypeScript loop does the work.
 */
export function filterRgbOnWasm(pass: FilterRgbPass): boolean {
  if (kernel === undefined) kernel = loadKernel();
  if (kernel === null) return false;
  const { values, out, sets, coefficients, own, cross, width, height, channels, reachX, reachY, n } = pass;
  if (height <= 2 * reachY || width <= 2 * reachX) return true;
  const rowFloats = width * channels;
  const bandRows = Math.min(BAND_ROWS, height - 2 * reachY);
  // Layout (bytes): [coefficients f64][own i32][cross i32][sets u8][values f32, band + reach rows][out f32, band rows]
  const coefAt = ALIGN;
  const ownAt = align(coefAt + coefficients.length * 8);
  const crossAt = align(ownAt + own.length * 4);
  const setsAt = align(crossAt + cross.length * 4);
  const valuesAt = align(setsAt + bandRows * width);
  const outAt = align(valuesAt + (bandRows + 2 * reachY) * rowFloats * 4);
  const { memory, filterRgb } = kernel;
  if (!reserve(memory, outAt + bandRows * rowFloats * 4)) return false;
  const buffer = memory.buffer;
  new Float64Array(buffer, coefAt, coefficients.length).set(coefficients);
  new Int32Array(buffer, ownAt, own.length).set(own);
  new Int32Array(buffer, crossAt, cross.length).set(cross);
  const setView = new Uint8Array(buffer, setsAt, bandRows * width);
  const f32 = new Float32Array(buffer);
  for (let y0 = reachY; y0 < height - reachY; y0 += bandRows) {
    const rows = Math.min(bandRows, height - reachY - y0);
    f32.set(values.subarray((y0 - reachY) * rowFloats, (y0 + rows + reachY) * rowFloats), valuesAt >> 2);
    // The band's output starts as its input: the edge columns and alpha keep their samples.
    f32.set(values.subarray(y0 * rowFloats, (y0 + rows) * rowFloats), outAt >> 2);
    setView.set(sets.subarray(y0 * width, (y0 + rows) * width));
    filterRgb(valuesAt, outAt, setsAt, coefAt, ownAt, own.length, crossAt, cross.length, width, channels, reachX, reachY, rows, n);
    out.set(f32.subarray(outAt >> 2, (outAt >> 2) + rows * rowFloats), y0 * rowFloats);
  }
  return true;
}

function loadKernel(): FilterKernels | null {
  try {
    const variant = bestVariant();
    if (variant === 'scalar') return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(kernelModule(variant, false), { env: { memory } });
    const { filterRgb, filterSets } = instance.exports;
    return typeof filterRgb === 'function' && typeof filterSets === 'function'
      ? { memory, filterRgb: filterRgb as FilterRgbExport, filterSets: filterSets as FilterSetsExport } : null;
  } catch {
    // A runtime that forbids WebAssembly (a page's CSP): the TypeScript loop.
    return null;
  }
}
