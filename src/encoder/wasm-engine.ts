/**
 * The fast training engine: the WASM SIMD kernels of assembly/kernels.ts on
 * the calling thread and worker_threads sharing one WebAssembly.Memory.
 * Node-only shim around the browser-safe TrainCore (src/kernels/wasm/train-core.ts).
 *
 * Semantics are the reference engine's (ref-engine.ts): loss = mean squared
 * error over the step's points (a mini-batch or all) × outputs values, its
 * exact gradient, bias-corrected Adam. `forward()` runs the forward and the backward pass chunk by chunk (so no
 * activations of the whole set are kept); `backward()` then has nothing left
 * to do. Deterministic: the same setup gives the same bytes after any number
 * of steps, whatever the thread count.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createForward } from '../kernels/forward-fast.js';
import { ForwardCore, planForward } from '../kernels/wasm/forward-core.js';
import { detectFeatures, createKernels, kernelModule, resolveVariant } from '../kernels/wasm/load.js';
import { planTraining } from '../kernels/wasm/layout.js';
import type { KernelChoice, KernelVariant } from '../kernels/wasm/table.js';
import type { SirenArch } from '../kernels/arch.js';
import { TrainCore } from '../kernels/wasm/train-core.js';
import { enableRelaxedSimd } from '../node/relaxed-simd.js';
import { adamHyper, type AdamHyper } from './adam.js';
import { batchCount, batchRange, type Engine, type EngineFactory, type EngineSetup } from './engine.js';
import type { WorkerForwardInit, WorkerInit, WorkerMessage, WorkerReply } from './wasm-worker.js';

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

/** An EngineFactory for the WASM engine with `options`. */
export function wasmEngineFactory(options: WasmEngineOptions = {}): EngineFactory {
  return (setup) => WasmEngine.create(setup, options);
}

/** The WASM engine with default options. */
export const createWasmEngine: EngineFactory = (setup) => WasmEngine.create(setup, {});

/**
 * Worker threads running wasm-worker.js: one message to each, then wait for
 * all to answer; `run` lets the calling thread do its share meanwhile.
 * Unref'd between calls, so an idle pool never keeps the process alive;
 * `terminate` stops them.
 */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private pending: { resolve: () => void; reject: (error: Error) => void; left: number } | undefined;
  private failure: Error | undefined;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./wasm-worker.js', import.meta.url));
      this.workers.push(worker);
      worker.on('message', (reply: WorkerReply) => this.onReply(reply));
      worker.on('error', (error: Error) => this.fail(error));
      worker.unref();
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'error') {
      this.fail(new Error(`wasm worker failed: ${reply.message}`));
      return;
    }
    const pending = this.pending;
    if (pending && --pending.left === 0) {
      this.pending = undefined;
      pending.resolve();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  /**
   * Posts `message(slot)` to every worker, runs `here` on this thread
   * meanwhile (its share of the work), and waits for all of them.
   */
  async run(message: (slot: number) => WorkerMessage, here?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending) throw new Error('wasm engine: a call is already running; await each call');
    const answered = new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject, left: this.workers.length };
      for (const worker of this.workers) worker.ref();
      this.workers.forEach((worker, slot) => worker.postMessage(message(slot)));
    });
    try {
      here?.();
    } finally {
      // Even when `here` failed: the workers are still at work on the shared memory.
      await answered.finally(() => {
        for (const worker of this.workers) worker.unref();
      });
    }
  }

  async terminate(): Promise<void> {
    this.fail(new Error('wasm workers terminated'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
  }
}

export class WasmEngine implements Engine {
  readonly name = 'wasm';
  private step = 0;
  private gradReady = false;
  private disposed = false;

  private constructor(
    private readonly setup: EngineSetup,
    private readonly core: TrainCore,
    private readonly hyper: AdamHyper,
    /** The kernel variant in use. */
    readonly variant: KernelVariant,
    private readonly pool: WorkerPool | undefined,
    /** Bytes of the shared memory. */
    readonly memoryBytes: number,
  ) {}

  /** Threads running the training step. */
  get threads(): number {
    return (this.pool?.size ?? 0) + 1;
  }

  static async create(setup: EngineSetup, options: WasmEngineOptions): Promise<WasmEngine> {
    const { arch, coords, targets, params } = setup;
    const count = coords.length / arch.inputs;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`Expected a positive multiple of ${arch.inputs} coordinates but received ${coords.length}`);
    if (targets.length !== count * arch.outputs) throw new RangeError(`Expected ${count * arch.outputs} targets for ${count} points but received ${targets.length}`);
    if (options.enableRelaxedSimd ?? true) enableRelaxedSimd();
    const variant = resolveVariant(options.kernels ?? kernelsFromEnv());
    const shared = detectFeatures().threads;
    const threads = shared ? resolveThreads(options.threads) : 1;
    const layout = planTraining(arch, count, { tileRows: options.tileRows, chunkRows: options.chunkRows, batchRows: setup.batchRows, slots: threads });
    const pages = layout.bytes / 65536;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
    const module = variant === 'scalar' ? null : kernelModule(variant, shared);
    const core = new TrainCore(createKernels(memory, variant, module ?? undefined), layout, memory);
    core.setData(coords, targets);
    core.setParams(params);
    core.resetMoments();
    let pool: WorkerPool | undefined;
    if (threads > 1) {
      // This thread runs chunks too (scratch slot 0), beside threads − 1 workers.
      pool = new WorkerPool(threads - 1);
      try {
        await pool.run((worker) => ({ type: 'init', memory, module, variant, layout, slot: worker + 1 }) satisfies WorkerInit);
      } catch (error) {
        await pool.terminate();
        throw error;
      }
    }
    const engine = new WasmEngine(setup, core, adamHyper(setup.adam), variant, pool, layout.bytes);
    return engine;
  }

  private check(): void {
    if (this.disposed) throw new Error('wasm engine: used after dispose()');
  }

  get batches(): number {
    return batchCount(this.core.layout.count, this.setup.batchRows);
  }

  async forward(batch?: number): Promise<number> {
    this.check();
    // Checks the batch number; planTraining made each batch a run of whole chunks.
    batchRange(this.core.layout.count, this.setup.batchRows, batch);
    this.core.resetCounter(batch);
    if (this.pool) await this.pool.run(() => ({ type: 'run' }), () => this.core.runChunks(0));
    else this.core.runChunks(0);
    const loss = this.core.finishStep();
    this.gradReady = true;
    return loss;
  }

  async backward(): Promise<void> {
    this.check();
    // forward() already ran the backward pass chunk by chunk.
    if (!this.gradReady) await this.forward();
  }

  async update(lr: number): Promise<void> {
    this.check();
    if (!this.gradReady) throw new Error('wasm engine: update() needs a gradient; call forward() and backward() first');
    this.step += 1;
    // Like the reference engine, the gradient stays until the next forward().
    this.core.adamStep(this.step, lr, this.hyper.beta1, this.hyper.beta2, this.hyper.epsilon);
  }

  async getParams(): Promise<Float32Array> {
    this.check();
    return this.core.getParams();
  }

  async setParams(params: Float32Array): Promise<void> {
    this.check();
    // Like the reference engine, the gradient already computed stays for update().
    this.core.setParams(params);
  }

  /** The gradient of the last forward/backward, in the parameter layout (tests). */
  gradient(): Float32Array {
    return this.core.gradient();
  }

  async predict(coords: Float32Array): Promise<Float32Array> {
    this.check();
    const { arch } = this.setup;
    const count = coords.length / arch.inputs;
    const out = new Float32Array(count * arch.outputs);
    createForward(arch, this.core.getParams(), { kernels: this.variant })(coords, count, out);
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool?.terminate();
  }
}

/** A field evaluator on worker threads; see createThreadedForward. */
export interface ThreadedForward {
  /** The kernel variant in use. */
  readonly variant: KernelVariant;
  readonly threads: number;
  /** Evaluates the field at `count` points: coords count × inputs in, out count × outputs written. */
  evaluate(coords: Float32Array, count: number, out: Float32Array): Promise<void>;
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
  const saved = Float32Array.from(params);
  const single = createForward(arch, saved, { kernels: variant, tileRows: options.tileRows });
  if (threads === 1) {
    return { variant, threads, evaluate: async (coords, count, out) => single(coords, count, out), dispose: async () => {} };
  }
  // This thread evaluates tiles too (scratch slot 0), beside threads − 1 workers.
  const pool = new WorkerPool(threads - 1);
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
        single(coords, count, out);
        return;
      }
      const c = await reserve(count);
      c.prepare(coords, count);
      await pool.run(() => ({ type: 'forward-run' }), () => c.runTiles(0));
      c.read(count, out);
    },
    async dispose() {
      disposed = true;
      await pool.terminate();
    },
  };
}
