import type { SirenArch } from './arch.js';
import { encodeAxis, encodedInputs } from './input-encoding.js';
import { scratchFloats, type GridScratch, type GridValues, type RegionAxes } from './render.js';
import { createKernels } from './wasm/load.js';
import { checkParamCount, padNet, padParams, writeInputRows } from './wasm/layout.js';
import { MODE_LINEAR, MODE_SIN, type KernelChoice, type Kernels } from './wasm/table.js';

/**
 * The decoder's fast path on a pixel grid. A grid point's inputs are its
 * column's x features and its row's y features (spec §4.1), so the first
 * layer's pre-activation W₀·[x; y] + b splits into a column part W₀ₓ·x and a
 * row part W₀ᵧ·y + b. Both are computed once per column and once per row,
 * and each pixel costs one add and one sine per unit there instead of a
 * dot product over every input, and no encoded input row at all: the first
 * layer is about a third of a small network's multiply-adds, and encoding
 * the inputs and copying them into the kernels' memory cost as much again
 * (docs/engine.md). The sums are ordered differently from the plain forward
 * pass, which spec §4.5 allows (samples within ±1).
 */

/** Grid points per pass through the hidden layers: part of a row at most. */
const TILE_POINTS = 256;

/** A `GridEvaluator` (render.ts) on the WASM kernels (`kernels`: the variant; default the fastest). Browser-safe. */
export function gridForwardFast(arch: SirenArch, params: Float32Array, axes: RegionAxes, scratch?: GridScratch, kernels: KernelChoice = 'auto'): GridValues {
  const levels = arch.fourier ?? 0;
  if (arch.inputs !== encodedInputs(2, levels)) throw new RangeError(`Expected inputs = 2 × ${1 + 2 * levels} for ${levels} Fourier levels but received ${arch.inputs}`);
  const net = padNet(arch);
  checkParamCount(net, params);
  const { columns, rows, xs, ys } = axes;
  // The outputs keep the kernels' padding, so that a tile's are copied in one piece.
  const stride = net.outputPad;
  const values = scratchFloats(scratch, 'values', columns * rows * stride);
  if (columns === 0 || rows === 0) return { values, stride };
  const tile = Math.min(TILE_POINTS, columns);
  const plane = tile * net.widthPad * 4;
  // Layout (bytes): [64: params][axis inputs][column parts][row parts][ping][pong][outputs]
  const paramsAt = 64;
  const inputsAt = paramsAt + Math.ceil((net.size * 4) / 64) * 64;
  const columnsAt = inputsAt + Math.max(columns, rows) * net.inputPad * 4;
  const rowsAt = columnsAt + columns * net.widthPad * 4;
  const pingAt = rowsAt + rows * net.widthPad * 4;
  const pongAt = pingAt + plane;
  const outAt = pongAt + plane;
  const { memory, kernels: k } = kernelsWithMemory(outAt + tile * stride * 4, kernels);
  const f32 = new Float32Array(memory.buffer);
  padParams(net, params, f32.subarray(paramsAt >> 2, (paramsAt >> 2) + net.size));
  const first = net.layers[0]!;
  // The column parts without the bias, the row parts with it.
  writeInputRows(f32, inputsAt >> 2, net, encodeAxis(xs, levels, 0), 0, columns, columns);
  k.gemmNN(inputsAt, paramsAt + first.w * 4, 0, columnsAt, 0, columns, first.k, first.n, MODE_LINEAR, 0);
  writeInputRows(f32, inputsAt >> 2, net, encodeAxis(ys, levels, 1), 0, rows, rows);
  k.gemmNN(inputsAt, paramsAt + first.w * 4, paramsAt + first.b * 4, rowsAt, 0, rows, first.k, first.n, MODE_LINEAR, 0);
  const { depth, omega } = arch;
  const last = net.layers[depth]!;
  const Y = outAt >> 2;
  for (let r = 0; r < rows; r++) {
    for (let c0 = 0; c0 < columns; c0 += tile) {
      const count = Math.min(tile, columns - c0);
      k.rowSin(columnsAt + c0 * net.widthPad * 4, rowsAt + r * net.widthPad * 4, pingAt, count, net.widthPad, omega);
      let hin = pingAt;
      let hout = pongAt;
      for (let l = 1; l < depth; l++) {
        const layer = net.layers[l]!;
        k.gemmNN(hin, paramsAt + layer.w * 4, paramsAt + layer.b * 4, hout, 0, count, layer.k, layer.n, MODE_SIN, omega);
        const swap = hin;
        hin = hout;
        hout = swap;
      }
      k.gemmNN(hin, paramsAt + last.w * 4, paramsAt + last.b * 4, outAt, 0, count, last.k, last.n, MODE_LINEAR, 0);
      values.set(f32.subarray(Y, Y + count * stride), (r * columns + c0) * stride);
    }
  }
  return { values, stride };
}

/**
 * The kernels of `choice` on a memory of at least `bytes`: the one from the
 * last call, grown if it is too small. A decode calls once per network and
 * band, and a fresh memory's pages are slow to touch the first time (about
 * 8 ms of a 768×512 decode's 16 networks here: docs/engine.md); nothing in
 * it outlives a call, and calls never overlap (each runs to its end).
 */
function kernelsWithMemory(bytes: number, choice: KernelChoice): { memory: WebAssembly.Memory; kernels: Kernels } {
  const pages = Math.ceil(bytes / 65536);
  if (kept === undefined || kept.choice !== choice) {
    const memory = new WebAssembly.Memory({ initial: pages });
    kept = { choice, memory, kernels: createKernels(memory, choice) };
  } else if (kept.memory.buffer.byteLength < pages * 65536) {
    kept.memory.grow(pages - kept.memory.buffer.byteLength / 65536);
    // The TypeScript kernels (no WASM) hold views of the old buffer.
    kept.kernels = createKernels(kept.memory, choice);
  }
  return kept;
}
let kept: { choice: KernelChoice; memory: WebAssembly.Memory; kernels: Kernels } | undefined;
