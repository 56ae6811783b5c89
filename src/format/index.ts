/**
 * The .snf wire format, versions 1 to 5 (spec/snf-format.md): reader, writer, entropy
 * coder, checksum and constants. Browser-clean: no Node built-ins.
 */
export {
  SNF_MAGIC, BLEND_VERSION_MINOR, SNF_VERSION_MAJOR, SNF_VERSION_MAJOR_MIN, DEFLATED_HEADER_VERSION_MAJOR, SHARED_CONTEXTS_VERSION_MAJOR, UNIT_SCALES_VERSION_MAJOR, SNF_VERSION_MINOR, DEFAULT_LIMITS, MIN_TENSOR_BITS, MAX_TENSOR_BITS, IMAGE_LAYOUTS,
  MAX_AUDIO_CHANNELS, type SnfLimits, type ImageLayout,
} from './constants.js';
export { checkKeys, SnfFormatError, SNF_ERROR_CODES, type SnfErrorCode } from './errors.js';
export { crc32 } from './crc32.js';
export { encodeTensors, decodeTensors, entropyBits, type TensorCode, type TensorSpec } from './range-coder.js';
export {
  channelCount, type SnfHeader, type ImageHeader, type AudioHeader, type TrainInfo, type Region, type ImageRegion,
  type AudioRegion, type NetworkArch, type TensorHeader, type NetworkInfo, type BlendInfo,
} from './header.js';
export {
  readSnf, inspectSnf, writeSnf, networkParams, fileParameters, isImageFile, isAudioFile, type SnfFile, type ImageSnfFile,
  type AudioSnfFile, type SnfNetwork, type SnfInfo, type SnfFileInput, type SnfNetworkInput, type QuantizedTensor,
} from './snf.js';
export type { HeaderValue } from './msgpack.js';
export {
  METADATA_KINDS, deflateMetadata, inflateMetadata, metadataSizes, type MetadataKind, type MetadataEntry, type StoredMetadata,
  type PhotoMetadata,
} from './metadata.js';
export { findGrid, gridRegions, gridWithEdges, gridAxisEdges, extendRegion, maxOverlap } from './tiling.js';
export { codeOfStep, gridStepAtLeast, stepOfCode, STEP_MANTISSAS } from './step-grid.js';
export { blendWeight } from '../kernels/blend.js';
export { MAX_FOURIER_LEVELS, encodeCoordinates, encodedInputs } from '../kernels/input-encoding.js';
