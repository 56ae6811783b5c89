import type { SirenArch } from './arch.js';
import { createKernels } from './wasm/load.js';
import { checkParamCount, padNet, padParams, writeInputRows, type PaddedNet } from './wasm/layout.js';
import { MODE_LINEAR, MODE_SIN, type KernelChoice, type KernelVariant, type Kernels } from './wasm/table.js';

/**
 * The fast forward pass for decoding: the WASM SIMD forward kernel (GEMM with
 * bias and sine fused), single-threaded and browser-safe. Same semantics as
 * `forwardScalar` in forward.ts, within float32 rounding.
 */

/** Evaluates a field at `count` points: coords count × inputs in, out count × outputs written. */
export type FieldEvaluator = ((coords: Float32Array, count: number, out: Float32Array) => void) & {
  /** The kernel variant in use. */
  readonly variant: KernelVariant;
};

export interface ForwardOptions {
  /** Kernel variant; default `auto` (the fastest this runtime supports). */
  readonly kernels?: KernelChoice;
  /** Points per pass through the kernels; default 256, a multiple of 4. */
  readonly tileRows?: number;
}

/**
 * Prepares the network `arch` with `params` (layout of kernels/arch.ts, copied
 * now) for evaluation. Costs one small WebAssembly instance; reuse the result.
 *
 * @example
 * const evaluate = createForward(arch, params);
 * evaluate(coords, coords.length / arch.inputs, out);
 */
export function createForward(arch: SirenArch, params: Float32Array, options: ForwardOptions = {}): FieldEvaluator {
  const net = padNet(arch);
  const T = options.tileRows ?? 256;
  if (!Number.isInteger(T) || T < 4 || T % 4 !== 0) throw new RangeError(`Expected a multiple of 4 for tileRows but received ${T}`);
  checkParamCount(net, params);
  // Layout (bytes): [64: params][coords tile T×inputPad][H ping T×wPad][H pong T×wPad][Y T×outputPad]
  const paramsAt = 64;
  const coordsAt = paramsAt + Math.ceil((net.size * 4) / 64) * 64;
  const pingAt = coordsAt + T * net.inputPad * 4;
  const pongAt = pingAt + T * net.widthPad * 4;
  const yAt = pongAt + T * net.widthPad * 4;
  const bytes = yAt + T * net.outputPad * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  const k = createKernels(memory, options.kernels ?? 'auto');
  const f32 = new Float32Array(memory.buffer);
  padParams(net, params, f32.subarray(paramsAt >> 2, (paramsAt >> 2) + net.size));
  const { inputs, outputs } = arch;
  const stride = net.outputPad;
  const evaluate = (coords: Float32Array, count: number, out: Float32Array): void => {
    if (coords.length < count * inputs) throw new RangeError(`Expected at least ${count * inputs} coordinates but received ${coords.length}`);
    if (out.length < count * outputs) throw new RangeError(`Expected room for ${count * outputs} outputs but received ${out.length}`);
    const C = coordsAt >> 2;
    const Y = yAt >> 2;
    for (let start = 0; start < count; start += T) {
      const rows = Math.min(T, count - start);
      const rowsPad = Math.ceil(rows / 4) * 4;
      writeInputRows(f32, C, net, coords, start, rows, rowsPad);
      forwardTile(k, net, paramsAt, coordsAt, rowsPad, pingAt, pongAt, yAt);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < outputs; o++) out[(start + r) * outputs + o] = f32[Y + r * stride + o]!;
      }
    }
  };
  return Object.assign(evaluate, { variant: k.variant });
}

/**
 * `forwardScalar`'s signature over the WASM kernel, for kernel tables that
 * take a ForwardFunction. Builds an evaluator per call: for repeated calls on
 * one network, keep the result of `createForward` instead.
 */
export function forwardFast(arch: SirenArch, params: Float32Array, coords: Float32Array, count: number, out: Float32Array): void {
  createForward(arch, params)(coords, count, out);
}

/**
 * The forward pass of one tile of `rows` points (a multiple of 4): coordinates
 * at `coordsAt` (rows × net.inputPad), outputs to `yAt` (rows × net.outputPad), two
 * scratch planes of rows × widthPad at `ping` and `pong` (byte offsets).
 */
export function forwardTile(k: Kernels, net: PaddedNet, paramsAt: number, coordsAt: number, rows: number, ping: number, pong: number, yAt: number): void {
  const { depth, omega } = net.arch;
  let hin = coordsAt;
  let hout = ping;
  for (let l = 0; l < depth; l++) {
    const L = net.layers[l]!;
    k.gemmNN(hin, paramsAt + L.w * 4, paramsAt + L.b * 4, hout, 0, rows, L.k, L.n, MODE_SIN, omega);
    hin = hout;
    hout = hout === ping ? pong : ping;
  }
  const L = net.layers[depth]!;
  k.gemmNN(hin, paramsAt + L.w * 4, paramsAt + L.b * 4, yAt, 0, rows, L.k, L.n, MODE_LINEAR, 0);
}
