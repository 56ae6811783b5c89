/**
 * The image encoder in Node: encode-image-core.ts (the whole pipeline,
 * browser-safe) training on the WASM engine's worker threads by default,
 * and searching the residual's shapes on worker threads too.
 * A page's twin is src/web-encode/encode-worker.ts (Web Workers).
 */
import type { Raster } from '../../raster.js';
import { encodeImageWith, type ImageEncodeOptions, type ImageEncodeResult } from './encode-image-core.js';
import { residualSearchOnThreads } from '../residual/residual-threads.js';
import { createWasmEngine } from '../network/wasm-engine.js';

export * from './encode-image-core.js';

/**
 * Fits WS-initialized SIRENs to `image` (one per tile), chooses their
 * quantization (for a target rate, or at fixed bits), fine-tunes them on
 * that grid, and returns the .snf file. The reported PSNR is measured on
 * exactly what `decode` reconstructs, not on the float training result.
 * Trains on `options.engine`, default the WASM engine on worker threads.
 * The residual's shapes are searched on SNFC_THREADS threads (default: the cores).
 */
export async function encodeImage(image: Raster, options: ImageEncodeOptions = {}): Promise<ImageEncodeResult> {
  return encodeImageWith(image, { residualSearch: residualSearchOnThreads(), ...options }, createWasmEngine);
}
