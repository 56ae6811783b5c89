import type { FieldImage } from '../post-filter.js';
import { align, ALIGN, decodeKernels, reserve } from './decode-instance.js';

/**
 * The DCT residual (spec §4.7) on the WASM kernels (assembly/kernels.ts `residualSums` and `residualRows`): the
 * same float64 operations as the TypeScript in residual.ts, to the bit, without its warm-up. A decode adds the residual
 * once, cold, where V8 ran the TypeScript unoptimized for its first rows and boxed every float it computed (about
 * 25 ms of a 768×512 photo's decode went to the rows alone, with their garbage collection). The field goes through the
 * kernel's memory a band of rows at a time. Browser-safe.
 */

/** Rows per band. */
const BAND_ROWS = 64;

type ResidualSumsExport = (
  values: number, width: number, channels: number, rows: number, columnBlocks: number, rowBases: number, sums: number, squares: number, counts: number,
) => void;

type ResidualRowsExport = (
  values: number, width: number, channels: number, colours: number, first: number, rows: number, planes: number, nPlanes: number,
  rowsOut: number, partial: number, active: number, zigzag: number,
) => void;

interface ResidualKernels {
  readonly memory: WebAssembly.Memory;
  readonly residualSums: ResidualSumsExport;
  readonly residualRows: ResidualRowsExport;
}

/** The kernels, loaded on first use; null where the decode instance has none. */
const residualKernels = decodeKernels<ResidualKernels>('residualSums', 'residualRows');

/** Where each output column and row falls in a plane's blocks, and the 8 basis values there (residual.ts's axisTable). */
export interface KernelAxes {
  readonly xs: { readonly blocks: Int32Array; readonly basis: Float64Array };
  readonly ys: { readonly blocks: Int32Array; readonly basis: Float64Array };
}

/** The sums of one plane's blocks: its axes and how many blocks it has a row, and in all. */
export interface BlockSumsPlane {
  readonly axes: KernelAxes;
  readonly blocksX: number;
  readonly blocks: number;
}

/** Sums of a plane's blocks' luma, of its square, and pixel counts (residual.ts's BlockStats). */
export interface BlockSums {
  readonly sums: Float64Array;
  readonly squares: Float64Array;
  readonly counts: Float64Array;
}

/**
 * The field's luma summed into each plane's blocks (residual.ts `sumRow` over every row), or undefined where the
 * kernel is not there or its memory cannot grow: the caller's TypeScript does the work.
 */
export function blockSumsOnWasm(field: FieldImage, planes: readonly BlockSumsPlane[]): BlockSums[] | undefined {
  const kernel = residualKernels();
  if (kernel === null) return undefined;
  const { width, height, channels, values } = field;
  const rowSamples = width * channels;
  const bandRows = Math.min(BAND_ROWS, height);
  // Layout (bytes): per plane [columnBlocks i32 × width][rowBases i32 × height][sums][squares][counts f64 × blocks], then [band f32].
  let at = ALIGN;
  const layouts = planes.map(({ blocks }) => {
    const columnsAt = at;
    const rowBasesAt = align(columnsAt + 4 * width);
    const sumsAt = align(rowBasesAt + 4 * height);
    const squaresAt = align(sumsAt + 8 * blocks);
    const countsAt = align(squaresAt + 8 * blocks);
    at = align(countsAt + 8 * blocks);
    return { columnsAt, rowBasesAt, sumsAt, squaresAt, countsAt };
  });
  const bandAt = at;
  const { memory, residualSums } = kernel;
  if (!reserve(memory, bandAt + 4 * bandRows * rowSamples)) return undefined;
  const buffer = memory.buffer;
  planes.forEach(({ axes, blocksX, blocks }, p) => {
    const layout = layouts[p]!;
    new Int32Array(buffer, layout.columnsAt, width).set(axes.xs.blocks);
    const rowBases = new Int32Array(buffer, layout.rowBasesAt, height);
    for (let j = 0; j < height; j++) rowBases[j] = axes.ys.blocks[j]! * blocksX;
    new Uint8Array(buffer, layout.sumsAt, layout.countsAt + 8 * blocks - layout.sumsAt).fill(0);
  });
  const band = new Float32Array(buffer, bandAt, bandRows * rowSamples);
  for (let first = 0; first < height; first += bandRows) {
    const rows = Math.min(bandRows, height - first);
    band.set(values.subarray(first * rowSamples, (first + rows) * rowSamples));
    for (const layout of layouts) {
      residualSums(bandAt, width, channels, rows, layout.columnsAt, layout.rowBasesAt + 4 * first, layout.sumsAt, layout.squaresAt, layout.countsAt);
    }
  }
  return planes.map(({ blocks }, p) => {
    const layout = layouts[p]!;
    return {
      sums: new Float64Array(buffer, layout.sumsAt, blocks).slice(),
      squares: new Float64Array(buffer, layout.squaresAt, blocks).slice(),
      counts: new Float64Array(buffer, layout.countsAt, blocks).slice(),
    };
  });
}

/** One plane of the residual as the kernel renders it. */
export interface KernelPlane {
  /** The plane's blocks' coefficients in raster order, `coefficients` each. */
  readonly values: Int16Array;
  readonly coefficients: number;
  readonly blocksX: number;
  /** The steps of the zigzag positions, at least `coefficients` of them. */
  readonly steps: Float64Array;
  /** Each block's step multiplier; undefined: 1 for every block. */
  readonly scales: Float64Array | undefined;
  readonly axes: KernelAxes;
  /** 2 where the plane keeps column frequencies 0 and 1 only, else 8. */
  readonly columns: number;
}

/**
 * Adds the residual's planes to `field` in place (residual.ts `addResidual`'s rows); false (nothing done) where the
 * kernel is not there or its memory cannot grow. `zigzag`: the 64 row frequencies of the zigzag order, then the 64
 * column frequencies.
 */
export function addResidualOnWasm(field: FieldImage, planes: readonly KernelPlane[], colours: number, zigzag: Uint8Array): boolean {
  const kernel = residualKernels();
  if (kernel === null) return false;
  const { width, height, channels, values } = field;
  const rowSamples = width * channels;
  const bandRows = Math.min(BAND_ROWS, height);
  const widest = Math.max(...planes.map((p) => p.blocksX));
  // Layout (bytes): [descriptors i32 × 10 a plane][zigzag u8 × 128], per plane [values i16][steps f64][scales f64]
  // [columnBlocks i32][columnBasis f64][rowBlocks i32][rowBasis f64], then [rows f64 × width a plane]
  // [partial f64 × 8 a block][active u8 a block][band f32].
  const descriptorsAt = ALIGN;
  const zigzagAt = align(descriptorsAt + 40 * planes.length);
  let at = align(zigzagAt + zigzag.length);
  const layouts = planes.map((plane) => {
    const valuesAt = at;
    const stepsAt = align(valuesAt + 2 * plane.values.length);
    const scalesAt = align(stepsAt + 8 * plane.steps.length);
    const columnBlocksAt = align(scalesAt + 8 * (plane.scales?.length ?? 0));
    const columnBasisAt = align(columnBlocksAt + 4 * plane.axes.xs.blocks.length);
    const rowBlocksAt = align(columnBasisAt + 8 * plane.axes.xs.basis.length);
    const rowBasisAt = align(rowBlocksAt + 4 * plane.axes.ys.blocks.length);
    at = align(rowBasisAt + 8 * plane.axes.ys.basis.length);
    return { valuesAt, stepsAt, scalesAt, columnBlocksAt, columnBasisAt, rowBlocksAt, rowBasisAt };
  });
  const rowsAt = at;
  const partialAt = align(rowsAt + 8 * width * planes.length);
  const activeAt = align(partialAt + 64 * widest);
  const bandAt = align(activeAt + widest);
  const { memory, residualRows } = kernel;
  if (!reserve(memory, bandAt + 4 * bandRows * rowSamples)) return false;
  const buffer = memory.buffer;
  new Uint8Array(buffer, zigzagAt, zigzag.length).set(zigzag);
  const descriptors = new Int32Array(buffer, descriptorsAt, 10 * planes.length);
  planes.forEach((plane, p) => {
    const layout = layouts[p]!;
    new Int16Array(buffer, layout.valuesAt, plane.values.length).set(plane.values);
    new Float64Array(buffer, layout.stepsAt, plane.steps.length).set(plane.steps);
    if (plane.scales !== undefined) new Float64Array(buffer, layout.scalesAt, plane.scales.length).set(plane.scales);
    new Int32Array(buffer, layout.columnBlocksAt, plane.axes.xs.blocks.length).set(plane.axes.xs.blocks);
    new Float64Array(buffer, layout.columnBasisAt, plane.axes.xs.basis.length).set(plane.axes.xs.basis);
    new Int32Array(buffer, layout.rowBlocksAt, plane.axes.ys.blocks.length).set(plane.axes.ys.blocks);
    new Float64Array(buffer, layout.rowBasisAt, plane.axes.ys.basis.length).set(plane.axes.ys.basis);
    descriptors.set([
      layout.valuesAt, plane.coefficients, plane.blocksX, layout.stepsAt, plane.scales === undefined ? 0 : layout.scalesAt,
      layout.columnBlocksAt, layout.columnBasisAt, layout.rowBlocksAt, layout.rowBasisAt, plane.columns,
    ], 10 * p);
  });
  const band = new Float32Array(buffer, bandAt, bandRows * rowSamples);
  for (let first = 0; first < height; first += bandRows) {
    const rows = Math.min(bandRows, height - first);
    const samples = values.subarray(first * rowSamples, (first + rows) * rowSamples);
    band.set(samples);
    residualRows(bandAt, width, channels, colours, first, rows, descriptorsAt, planes.length, rowsAt, partialAt, activeAt, zigzagAt);
    samples.set(band.subarray(0, rows * rowSamples));
  }
  return true;
}
