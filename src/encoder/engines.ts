import type { EngineFactory } from './engine.js';
import { createRefEngine } from './ref-engine.js';
import { createWasmEngine } from './wasm-engine.js';

/** Engine names the CLI and API accept. `auto` picks the fastest available. */
export const ENGINE_NAMES = ['auto', 'wasm', 'ref'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/**
 * The factory for an engine name. `auto` is the WASM engine: it runs on any
 * Node ≥ 20 (SIMD, relaxed-SIMD or scalar kernels, picked at load), so there
 * is nothing to fall back from; `ref` is the slow, obviously correct one.
 */
export function engineByName(name: EngineName): EngineFactory {
  return name === 'ref' ? createRefEngine : createWasmEngine;
}
