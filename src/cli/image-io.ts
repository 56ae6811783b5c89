import path from 'node:path';
import sharp from 'sharp';
import type { Raster } from '../raster.js';
import { inputError, outputError, usageError } from './errors.js';

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
    if (gray && alpha) {
      // sharp's 'b-w' output drops alpha: take gray and alpha from the sRGB decode, where R = G = B for a gray source.
      const { data, info } = await image.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels !== 4) throw new Error(`unexpected ${info.channels}-channel decode`);
      const pixels = info.width * info.height;
      const out = new Uint8Array(2 * pixels);
      for (let i = 0; i < pixels; i++) {
        out[2 * i] = data[4 * i]!;
        out[2 * i + 1] = data[4 * i + 3]!;
      }
      return { width: info.width, height: info.height, channels: 2, data: out };
    }
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

/** Largest side each output format holds (libwebp: 16383; libjpeg in libvips: 65500); PNG and TIFF go past --size's 65536. */
const MAX_OUTPUT_SIDE = { png: Infinity, webp: 16383, jpeg: 65500, tiff: Infinity } as const;

/** A usage error unless `format` can hold a `width` × `height` image; call it before decoding. */
export function checkOutputSize(file: string, format: ReturnType<typeof outputFormatFor>, width: number, height: number): void {
  const max = MAX_OUTPUT_SIDE[format];
  if (width > max || height > max) {
    throw usageError(`cannot write '${file}': ${format.toUpperCase()} holds at most ${max} pixels a side, and the output would be ${width}x${height}`);
  }
}

/** Encodes 8-bit pixels as `format` (lossless PNG and LZW TIFF; high-quality WebP/JPEG). */
export async function encodeImageFile(image: Raster, format: ReturnType<typeof outputFormatFor>): Promise<Uint8Array> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  // Without this, sharp writes gray input as RGB.
  if (image.channels <= 2) pipeline = pipeline.toColourspace('b-w');
  // sharp's TIFF default is JPEG compression, which is lossy: LZW keeps every sample.
  const options = { png: { compressionLevel: 6 }, webp: { quality: 95 }, jpeg: { quality: 95 }, tiff: { compression: 'lzw' } }[format];
  try {
    const buffer = await pipeline.toFormat(format, options).toBuffer();
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  } catch (error) {
    throw outputError(`cannot encode the image as ${format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}`);
  }
}
