import { parameterCount } from '../kernels/arch.js';
import { forwardFast } from '../kernels/forward-fast.js';
import type { ForwardFunction } from '../kernels/render.js';
import { createThreadedForward } from '../encoder/wasm-engine.js';

/**
 * Below this much work (points × parameters), starting worker threads
 * costs more than it saves: a worker pool takes tens of milliseconds to
 * start, the single-threaded kernel does about 10^9 multiply-adds in that
 * time... measured: a 768×512, 56k-parameter network decodes in 1.15 s on
 * one thread and 0.7 s on two.
 */
const THREADING_WORK = 2e9;

/**
 * The decoder's field evaluator for Node: the WASM forward kernel on worker
 * threads for large networks, on this thread for small ones (tiles). Same
 * results either way, bit for bit.
 */
export const nodeForward: ForwardFunction = async (arch, params, coords, count, out) => {
  if (count * parameterCount(arch) < THREADING_WORK) {
    forwardFast(arch, params, coords, count, out);
    return;
  }
  const threaded = await createThreadedForward(arch, params);
  try {
    await threaded.evaluate(coords, count, out);
  } finally {
    await threaded.dispose();
  }
};
