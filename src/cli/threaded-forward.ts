import type { SirenArch } from '../kernels/arch.js';
import type { ForwardFunction } from '../kernels/render.js';
import type { ThreadedForward } from '../node/wasm-threads.js';

/**
 * Below this much work (points × parameters), a second thread costs more
 * than it saves: the worker takes tens of milliseconds to start and compile
 * the kernels. Measured (docs/engine.md), whole `snfc decode` of a 768×512
 * file at 1 bpp in 16 tiles: 1.4 × 10^9, 0.78 s on one thread against 0.82 s
 * on two; the same at --scale 2 (5.6 × 10^9): 1.44 s against 1.32 s.
 * Audio decodes use this session. Images no longer do: the decoder's grid
 * path on one thread keeps up with it, and large outputs get a second thread
 * of their own (grid-lanes.ts).
 */
const THREADING_WORK = 3e9;

/** A field evaluator for one decode, and what stops its threads. */
export interface ForwardSession {
  /** undefined: the decoder's own single-threaded kernels. */
  readonly forward: ForwardFunction | undefined;
  /** Stops the worker threads, if any were started. */
  close(): Promise<void>;
}

/**
 * The decoder's field evaluator in Node for a decode of about `work` points ×
 * parameters in all: the WASM forward kernel on this thread for small jobs,
 * else on worker threads that are started once and kept for every network of
 * the decode (a photo's 16 tiles share one pool; each swaps its parameters
 * in). Same results either way, bit for bit.
 */
export function nodeForwardSession(work: number): ForwardSession {
  if (work < THREADING_WORK) return { forward: undefined, close: async () => {} };
  let pool: { arch: string; params: Float32Array; threaded: ThreadedForward } | undefined;
  const forward: ForwardFunction = async (arch: SirenArch, params, coords, count, out) => {
    const key = JSON.stringify(arch);
    if (pool?.arch !== key) {
      await pool?.threaded.dispose();
      // Loaded only here: small decodes, most of them, never start threads.
      const { createThreadedForward } = await import('../node/wasm-threads.js');
      pool = { arch: key, params, threaded: await createThreadedForward(arch, params) };
    } else if (pool.params !== params) {
      pool.threaded.setParams(params);
      pool.params = params;
    }
    await pool.threaded.evaluate(coords, count, out);
  };
  return { forward, close: async () => { await pool?.threaded.dispose(); pool = undefined; } };
}

/** Points × parameters of rendering `points` points of a file whose networks have `parameters` in all over `networks` of them. */
export function decodeWork(points: number, parameters: number, networks: number): number {
  return points * (parameters / Math.max(1, networks));
}

/** Runs `render` with the evaluator of a `nodeForwardSession` for `work`, and stops its threads afterwards, whatever happens. */
export async function withNodeForward<T>(work: number, render: (forward: ForwardFunction | undefined) => Promise<T>): Promise<T> {
  const session = nodeForwardSession(work);
  try {
    return await render(session.forward);
  } finally {
    await session.close();
  }
}
