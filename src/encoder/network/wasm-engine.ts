/**
 * The WASM training engine in Node (the engine itself is wasm-engine-core.ts,
 * browser-safe): its workers are worker_threads running wasm-worker.js, its
 * thread count os.availableParallelism() or SNFC_THREADS, its kernels
 * SNFC_KERNELS, and relaxed SIMD is turned on where V8 keeps it behind a
 * flag. Also the threaded forward pass the CLI's decoder uses.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createForward, type FieldEvaluator } from '../../kernels/forward-fast.js';
import { ForwardCore, planForward } from '../../kernels/wasm/forward-core.js';
import { detectFeatures, createKernels, kernelModule, resolveVariant } from '../../kernels/wasm/load.js';
import type { KernelChoice, KernelVariant } from '../../kernels/wasm/table.js';
import type { SirenArch } from '../../kernels/arch.js';
import { enableRelaxedSimd } from '../../node/relaxed-simd.js';
import type { Engine, EngineFactory, EngineSetup } from './engine.js';
import { openWasmLanes } from './wasm-lanes.js';
import { WasmEngine } from './wasm-engine-core.js';
import type { WorkerForwardInit } from './wasm-worker-core.js';
import { WorkerPool, type StartWorker } from './worker-pool.js';

export { WasmEngine };

export interface WasmEngineOptions {
  /**
   * Threads running the training step, 1 to 256. Default: the environment
   * variable SNFC_THREADS, else os.availableParallelism(). 1 runs on the
   * calling thread, with no worker.
   */
  readonly threads?: number;
  /**
   * Kernel variant; default: the environment variable SNFC_KERNELS, else
   * `auto` (relaxed-SIMD FMA, else SIMD, else scalar TypeScript).
   */
  readonly kernels?: KernelChoice;
  /**
   * Turn on V8's relaxed SIMD where Node has it behind a flag (Node 20), so
   * `auto` can pick the FMA kernels. Process-wide; default true.
   */
  readonly enableRelaxedSimd?: boolean;
  /** Rows per tile (cache blocking); default from the width (layout.ts). */
  readonly tileRows?: number;
  /** Rows per gradient chunk (the unit of determinism); default from the point count. */
  readonly chunkRows?: number;
  /**
   * Fit several networks at once, one per thread (wasm-lanes.ts), when an
   * encode has more than one; default true. The result is the same bit for
   * bit; only the time differs.
   */
  readonly networkLanes?: boolean;
}

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
function kernelsFromEnv(): KernelChoice {
  const value = process.env['SNFC_KERNELS'];
  return value === undefined || value === '' ? 'auto' : (value as KernelChoice);
}

export { enableRelaxedSimd };

/** Starts a worker_threads worker running wasm-worker.js, unref'd while idle. */
const startNodeWorker: StartWorker = () => {
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

/** An EngineFactory for the WASM engine with `options`. */
export function wasmEngineFactory(options: WasmEngineOptions = {}): EngineFactory {
  const resolve = (): { variant: KernelVariant; threads: number } => {
    if (options.enableRelaxedSimd ?? true) enableRelaxedSimd();
    return { variant: resolveVariant(options.kernels ?? kernelsFromEnv()), threads: detectFeatures().threads ? resolveThreads(options.threads) : 1 };
  };
  const create = async (setup: EngineSetup): Promise<Engine> => {
    const { variant, threads } = resolve();
    return WasmEngine.create(setup, { variant, threads, startWorker: startNodeWorker, tileRows: options.tileRows, chunkRows: options.chunkRows });
  };
  if (options.networkLanes === false) return create;
  return Object.assign(create, {
    openLanes: (networks: number) => {
      const { variant, threads } = resolve();
      return openWasmLanes(networks, threads, { variant, tileRows: options.tileRows, chunkRows: options.chunkRows });
    },
  });
}

/** The WASM engine with default options. */
export const createWasmEngine: EngineFactory = wasmEngineFactory();

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
