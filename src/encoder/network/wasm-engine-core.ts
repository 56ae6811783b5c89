/**
 * The fast training engine: the WASM SIMD kernels of assembly/kernels.ts on
 * the calling thread and workers sharing one WebAssembly.Memory. Browser-safe:
 * the platform starts the workers (`StartWorker`, worker-pool.ts) and picks
 * the thread count and kernels; wasm-engine.ts does that for Node
 * (worker_threads, through src/node/wasm-threads.ts), src/web-encode/ for pages (Web Workers).
 *
 * Semantics are the reference engine's (ref-engine.ts): loss = mean squared
 * error over the step's points (a mini-batch or all) × outputs values, its
 * exact gradient, bias-corrected Adam. `forward()` runs the forward and the backward pass chunk by chunk (so no
 * activations of the whole set are kept); `backward()` then has nothing left
 * to do. Deterministic: the same setup gives the same bytes after any number
 * of steps, whatever the thread count.
 */
import { createForward } from '../../kernels/forward-fast.js';
import { detectFeatures, createKernels, kernelModule } from '../../kernels/wasm/load.js';
import { factorInputs } from '../../kernels/wasm/factored-inputs.js';
import { planTraining } from '../../kernels/wasm/layout.js';
import type { KernelVariant } from '../../kernels/wasm/table.js';
import { TrainCore } from '../../kernels/wasm/train-core.js';
import { adamHyper, decayFactor, type AdamHyper } from './adam.js';
import { batchCount, batchRange, checkWeights, type Engine, type EngineSetup } from './engine.js';
import type { WorkerInit } from '../../kernels/wasm/worker-core.js';
import { WorkerPool, type StartWorker } from '../../kernels/wasm/worker-pool.js';

/** What the platform decided for a WASM engine. */
export interface WasmEnginePlatform {
  /** Kernel variant, already resolved (load.ts `resolveVariant`). */
  readonly variant: KernelVariant;
  /** Threads wanted, 1 to 256; 1 where the runtime has no shared memories. 1 runs on the calling thread, with no worker. */
  readonly threads: number;
  /** Starts one worker (called threads − 1 times). */
  readonly startWorker: StartWorker;
  /** Rows per tile (cache blocking); default from the width (layout.ts). */
  readonly tileRows?: number;
  /** Rows per gradient chunk (the unit of determinism); default from the point count. */
  readonly chunkRows?: number;
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

  /** Whether the first layer runs factored over a grid's columns and rows (`EngineSetup.inputAxes`). */
  get factored(): boolean {
    return this.core.layout.factorEntries[0] > 0;
  }

  /** Threads running the training step. */
  get threads(): number {
    return (this.pool?.size ?? 0) + 1;
  }

  static async create(setup: EngineSetup, platform: WasmEnginePlatform): Promise<WasmEngine> {
    const { arch, coords, targets, weights, params } = setup;
    const count = coords.length / arch.inputs;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`Expected a positive multiple of ${arch.inputs} coordinates but received ${coords.length}`);
    if (targets.length !== count * arch.outputs) throw new RangeError(`Expected ${count * arch.outputs} targets for ${count} points but received ${targets.length}`);
    checkWeights(setup, count);
    const { variant } = platform;
    const shared = detectFeatures().threads;
    const threads = shared ? platform.threads : 1;
    const factored = setup.inputAxes === undefined ? undefined : factorInputs(coords, arch.inputs, setup.inputAxes, count, setup.batchRows ?? count);
    const layout = planTraining(arch, count, {
      tileRows: platform.tileRows, chunkRows: platform.chunkRows, batchRows: setup.batchRows, slots: threads, weighted: weights !== undefined,
      ...(factored === undefined ? {} : { factor: { entries: factored.entries, groups: factored.groups } }),
    });
    const pages = layout.bytes / 65536;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
    const module = variant === 'scalar' ? null : kernelModule(variant, shared);
    const core = new TrainCore(createKernels(memory, variant, module ?? undefined), layout, memory);
    core.setData(coords, targets, weights, factored);
    core.setParams(params);
    core.resetMoments();
    let pool: WorkerPool | undefined;
    if (threads > 1) {
      // This thread runs chunks too (scratch slot 0), beside threads − 1 workers.
      pool = new WorkerPool(threads - 1, platform.startWorker);
      try {
        await pool.run((worker) => ({ type: 'init', memory, module, variant, layout, slot: worker + 1 }) satisfies WorkerInit);
      } catch (error) {
        await pool.terminate();
        throw error;
      }
    }
    return new WasmEngine(setup, core, adamHyper(setup.adam), variant, pool, layout.bytes);
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
    const { beta1, beta2, epsilon, weightDecay } = this.hyper;
    this.core.adamStep(this.step, lr, beta1, beta2, epsilon, decayFactor(lr, weightDecay));
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
