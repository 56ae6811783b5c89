import path from 'node:path';
import sharp from 'sharp';
import type { Raster } from '../raster.js';
import { inputError, usageError } from './errors.js';

/** Largest input image `encode` accepts, in pixels (a 64-megapixel photo). */
export const MAX_INPUT_PIXELS = 64 * 1024 * 1024;

/**
 * Decodes an image file (PNG, JPEG, WebP, TIFF, AVIF, GIF…) to 8-bit
 * samples. Gray stays gray, alpha is kept, 16-bit is reduced to 8-bit and
 * CMYK is converted to sRGB.
 */
export async function readImage(bytes: Uint8Array, name: string): Promise<Raster> {
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    const meta = await image.metadata();
    const gray = meta.channels !== undefined && meta.channels <= 2 && meta.space !== 'cmyk';
    const alpha = meta.hasAlpha === true;
    const colourspace = gray ? 'b-w' : 'srgb';
    const { data, info } = await image.toColourspace(colourspace).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = ((gray ? 1 : 3) + (alpha ? 1 : 0)) as Raster['channels'];
    if (info.channels !== channels) {
      throw new Error(`unexpected ${info.channels}-channel decode`);
    }
    return { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!.replace(/^Input (buffer|file) /, '');
    throw inputError(`cannot decode '${name}' as an image: ${reason}`);
  }
}

/** Output formats `decode` writes, by file extension. */
export const OUTPUT_FORMATS = { '.png': 'png', '.webp': 'webp', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.tif': 'tiff', '.tiff': 'tiff' } as const;

/** The format for an output path, or a usage error naming the choices. */
export function outputFormatFor(file: string): (typeof OUTPUT_FORMATS)[keyof typeof OUTPUT_FORMATS] {
  const extension = path.extname(file).toLowerCase();
  const format = OUTPUT_FORMATS[extension as keyof typeof OUTPUT_FORMATS];
  if (!format) throw usageError(`cannot write '${file}': use one of ${Object.keys(OUTPUT_FORMATS).join(', ')}`);
  return format;
}

/** Encodes 8-bit pixels as `format` (lossless PNG/TIFF; high-quality WebP/JPEG). */
export async function encodeImageFile(image: Raster, format: ReturnType<typeof outputFormatFor>): Promise<Uint8Array> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  // Without this, sharp writes gray input as RGB.
  if (image.channels <= 2) pipeline = pipeline.toColourspace('b-w');
  const options = { png: { compressionLevel: 6 }, webp: { quality: 95 }, jpeg: { quality: 95 }, tiff: {} }[format];
  const buffer = await pipeline.toFormat(format, options).toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
