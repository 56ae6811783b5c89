import type { Raster } from '../raster.js';

/**
 * Mean squared error between two rasters of the same shape, over every
 * sample of every channel, on the 0–255 scale.
 */
export function meanSquaredError(a: Raster, b: Raster): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new RangeError(`cannot compare ${a.width}x${a.height}x${a.channels} with ${b.width}x${b.height}x${b.channels}`);
  }
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    sum += d * d;
  }
  return sum / a.data.length;
}

/** PSNR in dB for 8-bit samples (peak 255). Identical inputs give Infinity. */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** PSNR in dB between two 8-bit rasters of the same shape, peak 255. */
export function psnr(a: Raster, b: Raster): number {
  return psnrFromMse(meanSquaredError(a, b));
}
