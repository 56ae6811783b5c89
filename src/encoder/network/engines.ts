import type { EngineFactory } from './engine.js';
import { createRefEngine } from './ref-engine.js';
import { loadTfjs, TfjsUnavailableError } from './tfjs-backend.js';
import { createTfjsEngineFactory } from './tfjs-engine.js';
import { createWasmEngine } from './wasm-engine.js';

/** Engine names the CLI and API accept. `auto` picks the fastest available. */
export const ENGINE_NAMES = ['auto', 'wasm', 'ref', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** An engine ready to use: its factory, the name engines of it report, and what it computes on. */
export interface ResolvedEngine {
  readonly factory: EngineFactory;
  /** `wasm`, `ref` or `tfjs-<backend>` (tfjs-node-gpu, tfjs-node, tfjs-webgpu, tfjs-wasm, tfjs-cpu). */
  readonly name: string;
  /** One line for people: the backend and, for tfjs, the backends passed over. */
  readonly backend: string;
}

const WASM: ResolvedEngine = { factory: createWasmEngine, name: 'wasm', backend: 'WASM SIMD kernels on worker threads' };

/**
 * The engine for a name. `wasm` runs on any Node ≥ 20 (SIMD, relaxed-SIMD or
 * scalar kernels, picked at load); `ref` is the slow, obviously correct one;
 * `tfjs` loads the first TensorFlow.js backend installed (tfjs-backend.ts:
 * tfjs-node-gpu, tfjs-node, WebGPU, WASM, CPU) and throws
 * TfjsUnavailableError when there is none. `auto` is tfjs only when that
 * finds a GPU (CUDA through tfjs-node-gpu, or WebGPU), else `wasm`: on a
 * CPU the WASM engine is faster than any tfjs backend (docs/engine.md).
 */
export async function resolveEngine(name: EngineName): Promise<ResolvedEngine> {
  if (name === 'ref') return { factory: createRefEngine, name: 'ref', backend: 'TypeScript reference (float64)' };
  if (name === 'wasm') return WASM;
  if (name === 'tfjs') {
    const { factory, runtime } = await createTfjsEngineFactory();
    return { factory, name: `tfjs-${runtime.choice}`, backend: runtime.describe() };
  }
  try {
    const runtime = await loadTfjs({ gpuOnly: true });
    const { factory } = await createTfjsEngineFactory({ backends: [runtime.choice] });
    return { factory, name: `tfjs-${runtime.choice}`, backend: runtime.describe() };
  } catch (error) {
    if (!(error instanceof TfjsUnavailableError)) throw error;
    return WASM;
  }
}

/** The factory for an engine name (see `resolveEngine`). */
export async function engineByName(name: EngineName): Promise<EngineFactory> {
  return (await resolveEngine(name)).factory;
}
