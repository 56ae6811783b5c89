/**
 * snfc: a neural-field image and audio codec. The encoder (Node: it trains on worker
 * threads) and the browser-clean decoder and format. For a page, import
 * `snfc/decoder` or `snfc/format` alone.
 */
export { encodeImage, type ImageEncodeOptions, type ImageEncodeResult } from './encoder/image/encode-image.js';
export { EncodeOptionsError } from './encoder/options-error.js';
export { encodeAudio, type AudioEncodeOptions, type AudioEncodeResult } from './encoder/audio/encode-audio.js';
export { engineByName, ENGINE_NAMES, resolveEngine, type EngineName, type ResolvedEngine } from './encoder/network/engines.js';
export { loadTfjs, TFJS_BACKENDS, TfjsUnavailableError, type LoadTfjsOptions, type TfjsBackendChoice } from './encoder/network/tfjs-backend.js';
export { createTfjsEngineFactory, type TfjsEngineFactory } from './encoder/network/tfjs-engine.js';
export { SCHEDULES, type Schedule } from './encoder/network/trainer.js';
export type { Engine, EngineFactory, EngineSetup } from './encoder/network/engine.js';
export { decodeImage, decodedSize, DEFAULT_MAX_PIXELS, initKernels, type DecodeLimits, type DecodeOptions, type DecodeSize } from './decoder/index.js';
export { readSnf, writeSnf, inspectSnf, SnfFormatError, type SnfFile, type SnfHeader } from './format/index.js';
export { psnr, PSNR_REPORT_CAP, reportPsnr } from './metrics/psnr.js';
export { snr, audioPsnr, logSpectralDistance } from './metrics/audio.js';
export {
  decodeAudio, decodedSpan, DEFAULT_MAX_OUTPUT_SAMPLES, type AudioDecodeLimits, type AudioDecodeRequest, type DecodedAudio,
} from './decoder/index.js';
export type { AudioClip } from './audio.js';
export type { Raster } from './raster.js';
