/**
 * What the filter studies (filter-shapes.ts, low-res-residual.ts) share: a
 * source image as 8-bit RGB, and a gain net of the bytes that bought it.
 */
import sharp from 'sharp';
import type { Raster } from '../src/raster.js';

/** An image file as 8-bit RGB (alpha dropped), as the encoder's PSNR sees it. */
export async function readRgb(file: string): Promise<Raster> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** dB per unit of ln(rate) at 2.85 dB per doubling (the 20-photo means from 0.25 to 1 bpp): a share s of the file buys about 4.1 · s dB. */
const DB_PER_LN_RATE = 2.85 / Math.LN2;

/** `gain` dB less what `extraBytes` would have bought in the networks of a `fileBytes` file. */
export function netOfBytes(gain: number, extraBytes: number, fileBytes: number): number {
  return gain - (DB_PER_LN_RATE * extraBytes) / fileBytes;
}
