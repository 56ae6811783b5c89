import { forwardScalar } from './forward.js';
import { forwardFast } from './forward-fast.js';
import type { ForwardFunction } from './render.js';

/**
 * The forward-kernel table (libwebp's dsp pattern): the plain TypeScript
 * kernel is the complete default; `initKernels` lets the WASM build
 * (relaxed-SIMD FMA, SIMD or its scalar fallback, picked by feature
 * detection) override it. Safe to call more than once.
 */
let forward: ForwardFunction = forwardScalar;
let forced = false;

/** Loads the fastest forward kernel this runtime supports. */
export async function initKernels(): Promise<void> {
  if (forced) return;
  try {
    if (typeof WebAssembly === 'object') forward = forwardFast;
  } catch {
    forward = forwardScalar;
  }
}

/** The forward kernel in use: the fastest loaded by `initKernels`, else scalar. */
export function selectForward(): ForwardFunction {
  return forward;
}

/** Forces the plain TypeScript kernel (tests compare paths with it). */
export function useScalarKernels(): void {
  forced = true;
  forward = forwardScalar;
}
