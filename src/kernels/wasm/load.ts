import { base64Bytes } from './base64.js';
import { binaries } from './binaries.js';
import { scalarKernels } from './scalar.js';
import { KERNEL_CHOICES, KERNEL_NAMES, type KernelChoice, type KernelVariant, type Kernels } from './table.js';

/**
 * Loading the WASM kernel builds: feature detection, compilation from the
 * embedded bytes (no `fs`, so it works in browsers and bundlers), and the
 * kernel table over a given memory. Browser-safe; no `node:*` imports.
 */

/** What this runtime's WebAssembly supports. */
export interface WasmFeatures {
  /** Fixed-width SIMD (v128). */
  readonly simd: boolean;
  /** Relaxed SIMD (its fused multiply-add). In Node 20 it needs V8's --experimental-wasm-relaxed-simd. */
  readonly relaxedSimd: boolean;
  /** Shared memories, for worker threads. */
  readonly threads: boolean;
}

// Probe modules, one function each: () -> v128 built from i32.const, i8x16.splat
// and (for relaxed) i8x16.relaxed_swizzle; threads: a shared memory 1..1.
const SIMD_PROBE = /*#__PURE__*/ Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11);
const RELAXED_PROBE = /*#__PURE__*/ Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11);
const THREADS_PROBE = /*#__PURE__*/ Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1);

function validate(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** Detects the WebAssembly features the kernels can use. Cheap; not cached (flags can change). */
export function detectFeatures(): WasmFeatures {
  return {
    simd: validate(SIMD_PROBE),
    relaxedSimd: validate(SIMD_PROBE) && validate(RELAXED_PROBE),
    threads: validate(THREADS_PROBE) && typeof SharedArrayBuffer === 'function',
  };
}

/** The fastest variant this runtime supports. */
export function bestVariant(features: WasmFeatures = detectFeatures()): KernelVariant {
  if (features.relaxedSimd && validate(bytesOf('relaxed', false))) return 'relaxed';
  if (features.simd) return 'simd';
  return 'scalar';
}

/** Resolves `auto`, and checks that a forced variant is supported. */
export function resolveVariant(choice: KernelChoice = 'auto'): KernelVariant {
  if (choice === 'auto') return bestVariant();
  if (choice === 'scalar') return choice;
  if (choice !== 'simd' && choice !== 'relaxed') {
    throw new TypeError(`Expected one of ${KERNEL_CHOICES.join(', ')} for kernels but received ${String(choice)} of type ${typeof choice}`);
  }
  const features = detectFeatures();
  if (!(choice === 'simd' ? features.simd : features.relaxedSimd)) {
    throw new Error(`kernels ${choice} are not supported by this runtime's WebAssembly`);
  }
  return choice;
}

const byteCache = new Map<string, Uint8Array<ArrayBuffer>>();
const moduleCache = new Map<string, WebAssembly.Module>();

function bytesOf(variant: 'simd' | 'relaxed', shared: boolean): Uint8Array<ArrayBuffer> {
  const key = `${variant}${shared ? 'Shared' : 'Unshared'}` as const;
  let bytes = byteCache.get(key);
  if (!bytes) {
    bytes = base64Bytes(binaries[key]);
    byteCache.set(key, bytes);
  }
  return bytes;
}

/**
 * The compiled module of a WASM variant (cached), for a shared memory (worker
 * threads) or an ordinary one. A Module can be posted to workers.
 */
export function kernelModule(variant: 'simd' | 'relaxed', shared: boolean): WebAssembly.Module {
  const key = `${variant}/${shared}`;
  let module = moduleCache.get(key);
  if (!module) {
    module = new WebAssembly.Module(bytesOf(variant, shared));
    moduleCache.set(key, module);
  }
  return module;
}

/** Whether `memory` is a shared memory. */
export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The kernel table over `memory`: every slot from the plain TypeScript
 * kernels, then overridden by the WASM build of `variant` (resolved from
 * `auto` to the fastest supported). `module` skips compilation (workers).
 */
export function createKernels(memory: WebAssembly.Memory, choice: KernelChoice = 'auto', module?: WebAssembly.Module): Kernels {
  const variant = resolveVariant(choice);
  const scalar = scalarKernels(memory);
  if (variant === 'scalar') return scalar;
  const instance = new WebAssembly.Instance(module ?? kernelModule(variant, isShared(memory)), { env: { memory } });
  const table: Record<string, unknown> = { ...scalar, variant };
  for (const name of KERNEL_NAMES) {
    const fn = instance.exports[name];
    if (typeof fn === 'function') table[name] = fn;
  }
  for (const name of KERNEL_NAMES) {
    if (typeof table[name] !== 'function') throw new Error(`kernel table slot ${name} is empty`);
  }
  return table as unknown as Kernels;
}
