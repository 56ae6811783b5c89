import { forwardScalar } from './forward.js';
import type { ForwardFunction } from './render.js';

/**
 * The forward-kernel table (libwebp's dsp pattern): the plain TypeScript
 * kernel is the complete default; `initKernels` lets faster builds override
 * it where the runtime supports them. Safe to call more than once.
 */
let forward: ForwardFunction = forwardScalar;

/** Loads the fastest forward kernel this runtime supports. */
export async function initKernels(): Promise<void> {}

/** The forward kernel in use: the fastest loaded by `initKernels`, else scalar. */
export function selectForward(): ForwardFunction {
  return forward;
}

/** Forces the plain TypeScript kernel (tests compare paths with it). */
export function useScalarKernels(): void {
  forward = forwardScalar;
}
