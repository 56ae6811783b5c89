/**
 * The snfc decoder: reads a .snf file and renders its signal at any size.
 * Browser-clean: it imports only the format and the shared kernels.
 */
export { decodeField, decodeImage, decodedSize, DEFAULT_MAX_PIXELS, type DecodeLimits, type DecodeOptions, type DecodeSize } from './decode-image.js';
export type { ForwardFunction } from '../kernels/render.js';
export { initKernels } from '../kernels/forward-select.js';
export type { Raster } from '../raster.js';
export {
  decodeAudio, decodedSpan, DEFAULT_MAX_OUTPUT_SAMPLES, type AudioDecodeLimits, type AudioDecodeRequest, type DecodedAudio,
} from './decode-audio.js';
// The one error type the decoders throw, so that a page importing only the decoder can tell a bad file apart.
export { SnfFormatError, type SnfErrorCode } from '../format/errors.js';
