/**
 * The WASM kernels on Node's threads, for the training engine (src/encoder/network/wasm-engine.ts) and the CLI's
 * decoder alike: how many threads (SNFC_THREADS), which kernels (SNFC_KERNELS), a worker_threads worker running
 * the kernels' worker (wasm-worker.ts), and the forward pass split across such workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createForward, type FieldEvaluator } from '../kernels/forward-fast.js';
import { ForwardCore, planForward } from '../kernels/wasm/forward-core.js';
import { detectFeatures, createKernels, kernelModule, resolveVariant } from '../kernels/wasm/load.js';
import type { KernelChoice, KernelVariant } from '../kernels/wasm/table.js';
import type { SirenArch } from '../kernels/arch.js';
import type { WorkerForwardInit } from '../kernels/wasm/worker-core.js';
import { WorkerPool, type StartWorker } from '../kernels/wasm/worker-pool.js';
import { enableRelaxedSimd } from './relaxed-simd.js';

/** The thread count from `threads`, else SNFC_THREADS, else the machine's parallelism. */
export function resolveThreads(threads?: number): number {
  const fromEnv = process.env['SNFC_THREADS'];
  const value = threads ?? (fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : availableParallelism());
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    const name = threads === undefined ? 'SNFC_THREADS' : 'threads';
    throw new RangeError(`Expected an integer 1 to 256 for ${name} but received ${String(threads ?? fromEnv)} of type ${typeof (threads ?? fromEnv)}`);
  }
  return value;
}

/** SNFC_KERNELS (auto, scalar, simd or relaxed), else auto; resolveVariant checks the value. */
export function kernelsFromEnv(): KernelChoice {
  const value = process.env['SNFC_KERNELS'];
  return value === undefined || value === '' ? 'auto' : (value as KernelChoice);
}

/**
 * Starts a worker_threads worker running wasm-worker.js, unref'd while idle. The URL is relative to this module,
 * and the CLI's bundle keeps the two side by side (scripts/build-cli.mjs).
 */
export const startNodeWorker: StartWorker = () => {
  const worker = new Worker(new URL('./wasm-worker.js', import.meta.url));
  return {
    post: (message) => worker.postMessage(message),
    listen(onReply, onError) {
      worker.on('message', onReply);
      worker.on('error', onError);
    },
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => worker.terminate(),
  };
};

/** A field evaluator on worker threads; see createThreadedForward. */
export interface ThreadedForward {
  /** The kernel variant in use. */
  readonly variant: KernelVariant;
  readonly threads: number;
  /** Evaluates the field at `count` points: coords count × inputs in, out count × outputs written. */
  evaluate(coords: Float32Array, count: number, out: Float32Array): Promise<void>;
  /** Swaps in another network of the same architecture (a tile's), keeping the workers and their memory. */
  setParams(params: Float32Array): void;
  /** Stops the workers. */
  dispose(): Promise<void>;
}

/**
 * The fast forward pass (forward-fast.ts) split across worker threads, for
 * decoding large images: tiles of points go to `threads` workers (default
 * SNFC_THREADS, else os.availableParallelism()) sharing one memory. Results
 * are the same as `createForward`'s, bit for bit.
 */
export async function createThreadedForward(
  arch: SirenArch, params: Float32Array,
  options: { threads?: number; kernels?: KernelChoice; enableRelaxedSimd?: boolean; tileRows?: number } = {},
): Promise<ThreadedForward> {
  if (options.enableRelaxedSimd ?? true) enableRelaxedSimd();
  const variant = resolveVariant(options.kernels ?? kernelsFromEnv());
  const shared = detectFeatures().threads;
  const threads = shared ? resolveThreads(options.threads) : 1;
  let saved = Float32Array.from(params);
  // The one-thread evaluator copies the parameters when made: remade after setParams, when first needed.
  let single: FieldEvaluator | undefined;
  const evaluateHere = (coords: Float32Array, count: number, out: Float32Array): void => {
    single ??= createForward(arch, saved, { kernels: variant, tileRows: options.tileRows });
    single(coords, count, out);
  };
  if (threads === 1) {
    return {
      variant, threads,
      evaluate: async (coords, count, out) => evaluateHere(coords, count, out),
      setParams: (next) => { saved = Float32Array.from(next); single = undefined; },
      dispose: async () => {},
    };
  }
  // This thread evaluates tiles too (scratch slot 0), beside threads − 1 workers.
  const pool = new WorkerPool(threads - 1, startNodeWorker);
  const module = variant === 'scalar' ? null : kernelModule(variant, true);
  let core: ForwardCore | undefined;
  let disposed = false;
  /** A memory with room for `count` points, the workers pointed at it. */
  const reserve = async (count: number): Promise<ForwardCore> => {
    if (core && core.layout.capacity >= count) return core;
    const layout = planForward(arch, Math.max(count, core ? core.layout.capacity * 2 : 0), threads, options.tileRows);
    const pages = layout.bytes / 65536;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const next = new ForwardCore(createKernels(memory, variant, module ?? undefined), layout, memory);
    next.setParams(saved);
    await pool.run((worker) => ({ type: 'forward-init', memory, module, variant, layout, slot: worker + 1 }) satisfies WorkerForwardInit);
    core = next;
    return next;
  };
  return {
    variant,
    threads,
    async evaluate(coords, count, out) {
      if (disposed) throw new Error('threaded forward: used after dispose()');
      if (coords.length < count * arch.inputs) throw new RangeError(`Expected at least ${count * arch.inputs} coordinates but received ${coords.length}`);
      if (out.length < count * arch.outputs) throw new RangeError(`Expected room for ${count * arch.outputs} outputs but received ${out.length}`);
      if (count === 0) return;
      // Small jobs are not worth a round trip to the workers.
      if (count <= 4096) {
        evaluateHere(coords, count, out);
        return;
      }
      const c = await reserve(count);
      c.prepare(coords, count);
      await pool.run(() => ({ type: 'forward-run' }), () => c.runTiles(0));
      c.read(count, out);
    },
    setParams(next) {
      if (next.length !== saved.length) throw new RangeError(`Expected ${saved.length} parameters for this architecture but received ${next.length}`);
      saved = Float32Array.from(next);
      single = undefined;
      // The workers read the parameters from the shared memory: the next evaluate() sees these.
      core?.setParams(saved);
    },
    async dispose() {
      disposed = true;
      await pool.terminate();
    },
  };
}
