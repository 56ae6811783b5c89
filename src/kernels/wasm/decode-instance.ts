import { bestVariant, kernelModule } from './load.js';

/**
 * The instance of the WASM kernels that a decode runs after the networks (the restoration filter's, the residual's),
 * with its one memory: each step lays out its own data from the start of the memory and keeps nothing there between
 * calls, so they share the pages the first of them touched (fresh memory is slow to touch, docs/engine.md).
 * Browser-safe. Null where this runtime has no WASM SIMD build to load, or forbids WebAssembly (a page's CSP): the
 * TypeScript loops do the work.
 */
export interface DecodeInstance {
  readonly memory: WebAssembly.Memory;
  readonly exports: WebAssembly.Exports;
}

let instance: DecodeInstance | null | undefined;

export function decodeInstance(): DecodeInstance | null {
  if (instance === undefined) instance = loadInstance();
  return instance;
}

function loadInstance(): DecodeInstance | null {
  try {
    const variant = bestVariant();
    if (variant === 'scalar') return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    return { memory, exports: new WebAssembly.Instance(kernelModule(variant, false), { env: { memory } }).exports };
  } catch {
    return null;
  }
}

/**
 * A loader of the decode instance's memory and its functions `names`, which loads them on its first call: null where
 * there is no instance or it lacks one of them (a decode-only build leaves some out), and the caller's TypeScript does
 * the work. `Kernels` names their signatures.
 */
export function decodeKernels<Kernels extends { readonly memory: WebAssembly.Memory }>(
  ...names: Exclude<keyof Kernels & string, 'memory'>[]
): () => Kernels | null {
  let loaded: Kernels | null | undefined;
  return () => {
    if (loaded !== undefined) return loaded;
    const instance = decodeInstance();
    const kernels: Record<string, unknown> = { memory: instance?.memory };
    for (const name of names) kernels[name] = instance?.exports[name];
    loaded = instance !== null && names.every((name) => typeof kernels[name] === 'function') ? (kernels as Kernels) : null;
    return loaded;
  };
}

/** Grows `memory` to at least `bytes`; false if it cannot (the 4 GiB of a 32-bit memory, or the host's limit). */
export function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/** Byte offsets in a kernel's memory are kept 16-byte aligned (the SIMD kernels' loads). */
export const ALIGN = 16;
export const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
