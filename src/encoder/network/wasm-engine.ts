/**
 * The WASM training engine in Node (the engine itself is wasm-engine-core.ts,
 * browser-safe): its workers are worker_threads running the kernels' worker,
 * its thread count and kernels from the options or SNFC_THREADS and
 * SNFC_KERNELS (src/node/wasm-threads.ts), and relaxed SIMD is turned on
 * where V8 keeps it behind a flag.
 */
import { detectFeatures, resolveVariant } from '../../kernels/wasm/load.js';
import type { KernelChoice, KernelVariant } from '../../kernels/wasm/table.js';
import { enableRelaxedSimd } from '../../node/relaxed-simd.js';
import { kernelsFromEnv, resolveThreads, startNodeWorker } from '../../node/wasm-threads.js';
import type { Engine, EngineFactory, EngineSetup } from './engine.js';
import { openWasmLanes } from './wasm-lanes.js';
import { WasmEngine } from './wasm-engine-core.js';

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
