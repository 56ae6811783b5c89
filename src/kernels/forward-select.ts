import { forwardScalar } from './forward.js';
import { forwardFast } from './forward-fast.js';
import { gridForwardFast } from './grid-forward.js';
import type { ForwardFunction, GridEvaluator } from './render.js';

/**
 * The forward-kernel table (libwebp's dsp pattern): the plain TypeScript
 * kernel is the complete default; `initKernels` lets the WASM build
 * (relaxed-SIMD FMA, SIMD or its scalar fallback, picked by feature
 * detection) override it. Safe to call more than once.
 */
let forward: ForwardFunction = forwardScalar;
let grid: GridEvaluator | undefined;

/** Loads the fastest forward kernel this runtime supports. */
export async function initKernels(): Promise<void> {
  try {
    // Compile and run the kernels once on a tiny network: a runtime that forbids
    // WebAssembly (a page whose CSP lacks 'wasm-unsafe-eval') throws here, not mid-decode.
    forwardFast({ inputs: 2, outputs: 1, width: 4, depth: 1, omega: 30 }, new Float32Array(17), new Float32Array(2), 1, new Float32Array(1));
    forward = forwardFast;
    grid = gridForwardFast;
  } catch {
    forward = forwardScalar;
    grid = undefined;
  }
}

/** The forward kernel in use: the fastest loaded by `initKernels`, else scalar. */
export function selectForward(): ForwardFunction {
  return forward;
}

/**
 * The pixel-grid evaluator in use with `selectForward()`: the WASM one once
 * `initKernels` loaded it, else none (render with `evaluateGrid`).
 */
export function selectGrid(): GridEvaluator | undefined {
  return grid;
}

