import { initKernels, selectForward } from '../kernels/forward-select.js';
import { renderImage } from '../kernels/render.js';
import type { Raster } from '../raster.js';
import { readSnf, networkParams, SnfFormatError, type ImageRegion, type SnfLimits } from '../format/index.js';

/** Output size: a scale factor of the source, or exact dimensions. */
export type DecodeSize = { scale?: number } | { width: number; height: number };

const CHANNELS = { gray: 1, graya: 2, rgb: 3, rgba: 4 } as const;

/**
 * Decodes an image .snf file to 8-bit pixels at the source size, at
 * `scale` times it (rounded, at least 1 pixel), or at exactly
 * `width` × `height`. The field is continuous, so any size is valid.
 */
export async function decodeImage(bytes: Uint8Array, size: DecodeSize = {}, limits?: Partial<SnfLimits>): Promise<Raster> {
  const file = readSnf(bytes, limits);
  const header = file.header;
  if (header.kind !== 'image') throw new SnfFormatError('UNSUPPORTED_FEATURE', `this file holds ${header.kind}, not an image`);
  const { width: outWidth, height: outHeight } = outputSize(header.width, header.height, size);
  await initKernels();
  const networks = file.networks.map((network) => ({
    region: network.region as ImageRegion, arch: network.arch, params: networkParams(network),
  }));
  return renderImage(header.width, header.height, CHANNELS[header.layout], networks, outWidth, outHeight, selectForward());
}

function outputSize(width: number, height: number, size: DecodeSize): { width: number; height: number } {
  if ('width' in size) return { width: size.width, height: size.height };
  const scale = size.scale ?? 1;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
