import { bestVariant, kernelModule } from './load.js';

/**
 * The restoration filter's RGB correction on the WASM kernels
 * (assembly/kernels.ts `filterRgb`): the same float64 sums as the
 * TypeScript loop in post-filter.ts, to the bit, without its warm-up (a
 * decode runs the filter once, cold) and without bounds checks. The image
 * goes through the kernel's memory a band of rows at a time, so that the
 * memory stays small whatever the image's size. Browser-safe.
 */

/** Rows per band (plus the taps' reach above and below). */
const BAND_ROWS = 64;
const ALIGN = 16;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

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

let kernel: { memory: WebAssembly.Memory; filterRgb: FilterRgbExport } | null | undefined;

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
  const bytes = outAt + bandRows * rowFloats * 4;
  const { memory, filterRgb } = kernel;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
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

function loadKernel(): { memory: WebAssembly.Memory; filterRgb: FilterRgbExport } | null {
  try {
    const variant = bestVariant();
    if (variant === 'scalar') return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(kernelModule(variant, false), { env: { memory } });
    const filterRgb = instance.exports.filterRgb;
    return typeof filterRgb === 'function' ? { memory, filterRgb: filterRgb as FilterRgbExport } : null;
  } catch {
    // A runtime that forbids WebAssembly (a page's CSP): the TypeScript loop.
    return null;
  }
}
