import { layerShapes, type SirenArch } from '../arch.js';

/**
 * The padded network the kernels run on, and the memory layout of a fit.
 *
 * Padding: the kernels want column counts and inner sizes that are multiples
 * of 4 (and compute columns in blocks of 8, then one of 4), so the network is widened with
 * zero units: inputs to a multiple of 4, width to a multiple of 4, outputs to 4
 * (or 8 for more than 4: audio's channels). This is exact: a zero
 * unit computes sin(0) = 0 and feeds zero weights, every gradient on a padded
 * parameter is exactly 0, and Adam leaves a parameter with zero gradient at 0.
 */

/** Inputs are padded to a multiple of this (the K blocking of the kernels). */
const INPUT_ALIGN = 4;
/** Most inputs a network may take (coordinates plus any input encoding). */
export const MAX_INPUTS = 1024;
/** Most outputs a network may have (audio channels; images have up to 4). */
export const MAX_OUTPUTS = 8;
/** Outputs are padded to 4, or to 8 above 4: the output layer costs each row its padded width in every pass. */
function outputPadFor(outputs: number): number {
  return outputs <= 4 ? 4 : 8;
}
/**
 * A layer's units are padded to a multiple of this: a width is paid for rounded up to it. 8 until session 54, when a
 * 12-unit network's training pass cost 0.94 of a 16-unit one's; the kernels' last four columns have their own loop.
 */
export const WIDTH_PAD = 4;

/** The width the kernels run a layer of `width` units at: rounded up to WIDTH_PAD. */
export function paddedWidth(width: number): number {
  return Math.ceil(width / WIDTH_PAD) * WIDTH_PAD;
}
/** Alignment of every region, in bytes. */
const ALIGN = 64;

export interface PaddedLayer {
  /** Padded fanIn and fanOut. */
  readonly k: number;
  readonly n: number;
  readonly sine: boolean;
  /** Float offsets of W (k×n) and b (n) in the padded parameter vector. */
  readonly w: number;
  readonly b: number;
  /** The real layer: fanIn, fanOut and offsets in the caller's layout. */
  readonly fanIn: number;
  readonly fanOut: number;
  readonly weightOffset: number;
  readonly biasOffset: number;
}

export interface PaddedNet {
  readonly arch: SirenArch;
  /** Padded inputs (floats per coordinate row in memory, a multiple of 4). */
  readonly inputPad: number;
  /**
   * The first layer's padded row of each input: i itself, or with input
   * groups (`padNet`) each group's inputs together from its start row.
   */
  readonly inputRows: readonly number[];
  /** With input groups, each group's first padded row and its padded row count (a multiple of 4); else one group of all inputs. */
  readonly inputGroups: readonly { readonly start: number; readonly rows: number }[];
  /** Padded width (a multiple of WIDTH_PAD). */
  readonly widthPad: number;
  /** Padded outputs (4, or 8 above 4 outputs): floats per output row in memory. */
  readonly outputPad: number;
  readonly layers: readonly PaddedLayer[];
  /** Floats in the padded parameter vector (a multiple of 4). */
  readonly size: number;
}

/**
 * Checks `arch` and computes its padded network. `groups` (lists of input
 * indices that together hold every input once) lays out the first layer's
 * rows group by group, each group padded to 4 rows: a factored first layer
 * (factored-inputs.ts) multiplies each axis's own inputs by its own rows of W.
 */
export function padNet(arch: SirenArch, groups?: readonly (readonly number[])[]): PaddedNet {
  const whole = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (!whole(arch.inputs, 1, MAX_INPUTS)) throw new RangeError(`Expected an integer 1 to ${MAX_INPUTS} for inputs but received ${String(arch.inputs)}`);
  if (!whole(arch.outputs, 1, MAX_OUTPUTS)) throw new RangeError(`Expected an integer 1 to ${MAX_OUTPUTS} for outputs but received ${String(arch.outputs)}`);
  if (!whole(arch.width, 1, 4096)) throw new RangeError(`Expected an integer 1 to 4096 for width but received ${String(arch.width)}`);
  if (!whole(arch.depth, 1, 64)) throw new RangeError(`Expected an integer 1 to 64 for depth but received ${String(arch.depth)}`);
  if (typeof arch.omega !== 'number' || !Number.isFinite(arch.omega)) throw new RangeError(`Expected a finite number for omega but received ${String(arch.omega)}`);
  const widthPad = paddedWidth(arch.width);
  const alignInputs = (count: number): number => Math.ceil(count / INPUT_ALIGN) * INPUT_ALIGN;
  const inputRows = Array.from({ length: arch.inputs }, (_, i) => i);
  let inputGroups = [{ start: 0, rows: alignInputs(arch.inputs) }];
  if (groups !== undefined) {
    const seen = groups.flat().slice().sort((a, b) => a - b);
    if (seen.length !== arch.inputs || seen.some((input, i) => input !== i)) throw new RangeError(`Expected input groups that hold each of the ${arch.inputs} inputs once`);
    let start = 0;
    inputGroups = groups.map((group) => {
      group.forEach((input, t) => (inputRows[input] = start + t));
      const placed = { start, rows: alignInputs(group.length) };
      start += placed.rows;
      return placed;
    });
  }
  const inputPad = inputGroups.reduce((sum, group) => sum + group.rows, 0);
  const outputPad = outputPadFor(arch.outputs);
  let size = 0;
  const layers = layerShapes(arch).map((shape, l) => {
    const k = l === 0 ? inputPad : widthPad;
    const n = shape.sine ? widthPad : outputPad;
    const layer: PaddedLayer = { ...shape, k, n, w: size, b: size + k * n };
    size += k * n + n;
    return layer;
  });
  return { arch, inputPad, inputRows, inputGroups, widthPad, outputPad, layers, size };
}

/** Throws unless `params` has exactly the parameters of `net`'s architecture (layout of kernels/arch.ts). */
export function checkParamCount(net: PaddedNet, params: Float32Array): void {
  const expected = net.layers[net.layers.length - 1]!.biasOffset + net.arch.outputs;
  if (params.length !== expected) throw new RangeError(`Expected ${expected} parameters for this architecture but received ${params.length}`);
}

/**
 * Writes coordinate rows `first` … `first + count − 1` of `coords`
 * (net.arch.inputs values each) into `dst` from float offset `at`, each
 * padded with zeros to net.inputPad, then zero rows up to `rows` in all.
 */
export function writeInputRows(dst: Float32Array, at: number, net: PaddedNet, coords: Float32Array, first: number, count: number, rows: number): void {
  const inputs = net.arch.inputs;
  const pad = net.inputPad;
  for (let r = 0; r < count; r++) {
    const row = at + r * pad;
    for (let i = 0; i < inputs; i++) dst[row + i] = coords[(first + r) * inputs + i]!;
    dst.fill(0, row + inputs, row + pad);
  }
  dst.fill(0, at + count * pad, at + rows * pad);
}

/** Writes `params` (the layout of kernels/arch.ts) into the padded vector `dst` (zeroing the padding). */
export function padParams(net: PaddedNet, params: Float32Array, dst: Float32Array): void {
  dst.fill(0, 0, net.size);
  net.layers.forEach((L, l) => {
    for (let i = 0; i < L.fanIn; i++) {
      const row = l === 0 ? net.inputRows[i]! : i;
      dst.set(params.subarray(L.weightOffset + i * L.fanOut, L.weightOffset + (i + 1) * L.fanOut), L.w + row * L.n);
    }
    dst.set(params.subarray(L.biasOffset, L.biasOffset + L.fanOut), L.b);
  });
}

/** The real parameters (layout of kernels/arch.ts) out of the padded vector `src`. */
export function unpadParams(net: PaddedNet, src: Float32Array, dst: Float32Array): Float32Array {
  net.layers.forEach((L, l) => {
    for (let i = 0; i < L.fanIn; i++) {
      const row = l === 0 ? net.inputRows[i]! : i;
      dst.set(src.subarray(L.w + row * L.n, L.w + row * L.n + L.fanOut), L.weightOffset + i * L.fanOut);
    }
    dst.set(src.subarray(L.b, L.b + L.fanOut), L.biasOffset);
  });
  return dst;
}

/** Where everything of one fit lives in its memory (byte offsets). Plain data: it is posted to workers. */
export interface TrainLayout {
  readonly net: PaddedNet;
  /** Training points. */
  readonly count: number;
  /** Rows per tile: the unit of one pass through the kernels, sized for the caches. */
  readonly tileRows: number;
  /** Rows per chunk (a multiple of tileRows): the unit of one gradient partial sum. */
  readonly chunkRows: number;
  readonly chunks: number;
  /** Chunks per mini-batch (all of them without mini-batches). */
  readonly chunksPerBatch: number;
  /** Scratch slots: one per thread that runs chunks. */
  readonly slots: number;
  readonly params: number;
  /** W transposed, per layer at the layer's W offset (the bias slots are unused). */
  readonly paramsT: number;
  readonly grad: number;
  readonly m: number;
  readonly v: number;
  /** chunks × partialFloats floats: each chunk's gradient (and its factored first layer's sums). */
  readonly partials: number;
  /** Floats of a chunk's partial and of `grad`: net.size, then with a factored first layer factorRows × net.widthPad sums of G by table row. */
  readonly partialFloats: number;
  /** chunks float64: each chunk's sum of squared errors. */
  readonly losses: number;
  /** chunks·chunkRows × net.inputPad floats (zero beyond count); 0 with a factored first layer, which reads `table` and `index`. */
  readonly coords: number;
  /** Rows of each axis in the factored first layer's table (factored-inputs.ts); [0, 0] when the first layer is not factored. */
  readonly factorEntries: readonly [number, number];
  /**
   * The table of per-axis inputs: axis a's factorEntries[a] rows of its own
   * inputs only (net.inputGroups[a].rows floats a row), axis 0's, then axis 1's.
   */
  readonly table: number;
  /** The same rows × net.widthPad floats: each table row times W (axis 0's rows plus b), refreshed with the parameters. */
  readonly pre: number;
  /** chunks·chunkRows × 2 int32: each point's two table rows (beyond count, the two zero rows). */
  readonly index: number;
  /** count × outputs floats. */
  readonly targets: number;
  /** count floats: each point's weight in the squared error; 0 when the fit is unweighted (every weight 1). */
  readonly weights: number;
  /** Int32 × 3: the threads' work counter (next chunk), then the end and the first chunk of this step's batch. */
  readonly counter: number;
  readonly scratch: number;
  readonly scratchBytes: number;
  /** Total bytes, a multiple of the 64 KiB page. */
  readonly bytes: number;
}

export interface TrainPlanOptions {
  /** Rows per tile; default 256 for width ≤ 128, less for wider networks. */
  readonly tileRows?: number;
  /** Rows per gradient chunk; default from count (about 16 chunks, 8192 rows at most), or four, two or three chunks a mini-batch. */
  readonly chunkRows?: number;
  /** Rows per mini-batch (engine.ts `batchRange`), a multiple of chunkRows; default all rows. */
  readonly batchRows?: number;
  /** Scratch slots (threads); default 1. */
  readonly slots?: number;
  /** Room for a weight per point (`TrainCore.setData`); default none. */
  readonly weighted?: boolean;
  /**
   * A factored first layer (`factorInputs`): its table's rows per axis and
   * the inputs of each axis; default none: the first layer multiplies every point's inputs.
   */
  readonly factor?: { readonly entries: readonly [number, number]; readonly groups: readonly [readonly number[], readonly number[]] };
}

/** Per-slot scratch, in floats relative to the slot: H[1..depth], C[0..depth-1], Y, Ga, Gb. */
export function scratchPlan(net: PaddedNet, tileRows: number): { h: number[]; c: number[]; y: number; ga: number; gb: number; floats: number } {
  const plane = tileRows * net.widthPad;
  const depth = net.arch.depth;
  const h: number[] = [0];
  const c: number[] = [];
  let at = 0;
  for (let l = 1; l <= depth; l++, at += plane) h.push(at);
  for (let l = 0; l < depth; l++, at += plane) c.push(at);
  const y = at;
  at += tileRows * net.outputPad;
  const ga = at;
  at += plane;
  const gb = at;
  at += plane;
  return { h, c, y, ga, gb, floats: at };
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * Chunk rows for mini-batches of `batchRows`: four chunks a batch where the
 * tiles allow it (up to four threads share a batch evenly), else two, else
 * three, else one.
 */
function chunkRowsForBatch(batchRows: number, tileRows: number): number {
  for (const chunksPerBatch of [4, 2, 3]) {
    const rows = batchRows / chunksPerBatch;
    if (Number.isInteger(rows) && rows % tileRows === 0) return rows;
  }
  return batchRows;
}

/** Plans the memory of a fit on `count` points. Deterministic in (arch, count, tileRows, chunkRows, batchRows), not in slots. */
export function planTraining(arch: SirenArch, count: number, options: TrainPlanOptions = {}): TrainLayout {
  const net = padNet(arch, options.factor?.groups);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Expected a positive integer for the number of training points but received ${count}`);
  // Default: a scratch plane (tileRows × widthPad floats) of about 128 KiB, so a
  // tile's activations stay in a 1–2 MiB L2 cache (measured: bench/engine.ts).
  const tileRows = options.tileRows ?? Math.min(256, Math.max(64, 2 ** Math.floor(Math.log2(32768 / net.widthPad))));
  if (!Number.isInteger(tileRows) || tileRows < 4 || tileRows % 4 !== 0) throw new RangeError(`Expected a multiple of 4 for tileRows but received ${tileRows}`);
  const tiles = Math.ceil(count / tileRows);
  const batchRows = options.batchRows !== undefined && options.batchRows < count ? options.batchRows : undefined;
  const chunkRows = options.chunkRows ?? (batchRows !== undefined
    ? chunkRowsForBatch(batchRows, tileRows)
    : tileRows * Math.max(1, Math.min(Math.ceil(8192 / tileRows), Math.ceil(tiles / 16))));
  if (!Number.isInteger(chunkRows) || chunkRows % tileRows !== 0 || chunkRows < tileRows) {
    throw new RangeError(`Expected a multiple of tileRows (${tileRows}) for chunkRows but received ${chunkRows}`);
  }
  if (batchRows !== undefined && (!Number.isInteger(batchRows) || batchRows % chunkRows !== 0)) {
    throw new RangeError(`Expected a multiple of chunkRows (${chunkRows}) for batchRows but received ${batchRows}`);
  }
  const slots = options.slots ?? 1;
  const chunks = Math.ceil(count / chunkRows);
  const chunksPerBatch = batchRows === undefined ? chunks : batchRows / chunkRows;
  const factorEntries = options.factor?.entries ?? [0, 0];
  const factorRows = factorEntries[0] + factorEntries[1];
  if (factorRows > 0 && (factorEntries[0] < 1 || factorEntries[1] < 1)) throw new RangeError(`Expected a row count for each axis of a factored first layer but received ${factorEntries.join(', ')}`);
  const partialFloats = net.size + factorRows * net.widthPad;
  const P = net.size * 4;
  let at = ALIGN; // offset 0 stays unused: 0 means "none" to the kernels
  const take = (bytes: number): number => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const params = take(P);
  const paramsT = take(P);
  const grad = take(partialFloats * 4);
  const m = take(P);
  const v = take(P);
  const partials = take(partialFloats * 4 * chunks);
  const losses = take(8 * chunks);
  const coords = factorRows > 0 ? 0 : take(chunks * chunkRows * net.inputPad * 4);
  const table = factorRows > 0 ? take((factorEntries[0] * net.inputGroups[0]!.rows + factorEntries[1] * net.inputGroups[1]!.rows) * 4) : 0;
  const pre = factorRows > 0 ? take(factorRows * net.widthPad * 4) : 0;
  const index = factorRows > 0 ? take(chunks * chunkRows * 8) : 0;
  const targets = take(count * arch.outputs * 4);
  const weights = options.weighted === true ? take(count * 4) : 0;
  const counter = take(12);
  const scratchBytes = align(scratchPlan(net, tileRows).floats * 4);
  const scratch = take(scratchBytes * slots);
  const bytes = Math.ceil(at / 65536) * 65536;
  if (bytes > 4 * 1024 ** 3 - 65536) throw new RangeError(`a fit of ${count} points needs ${bytes} bytes, more than a 4 GiB WebAssembly memory`);
  return {
    net, count, tileRows, chunkRows, chunks, chunksPerBatch, slots, params, paramsT, grad, m, v, partials, partialFloats, losses, coords,
    factorEntries, table, pre, index, targets, weights, counter, scratch, scratchBytes, bytes,
  };
}
