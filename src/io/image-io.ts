/**
 * Photos in and out on Node, through sharp: `readPhoto` decodes what the encoder takes (upright, sRGB, 8 or 16
 * bits, the metadata to keep), `encodeImageFile` writes what `decode` writes (PNG, WebP, JPEG, TIFF) with the
 * file's metadata put back.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Metadata, SharpConstructor } from 'sharp';
import { encodePng } from './png.js';
import { DEFAULT_LIMITS, type PhotoMetadata } from '../format/index.js';
import { EmbedError, embedInJpeg, embedInPng, embedInWebp } from '../photo/embed.js';
import { exifOrientation, exifTiffStructure, withExifOrientation } from '../photo/exif.js';
import { iccColourSpace, iccFitsChannels } from '../photo/icc.js';
import type { Raster } from '../raster.js';
import { CliError, EXIT, firstLine, inputError, outputError, usageError } from '../node/errors.js';
import { refuseFolder, shownName, STANDARD_STREAM, withTempFolder } from '../node/files.js';

/** Largest input image `encode` accepts, in pixels (a 64-megapixel photo). */
export const MAX_INPUT_PIXELS = 64 * 1024 * 1024;

/** How `readPhoto` treats a photo. */
export interface ReadPhotoOptions {
  /** Turn the pixels as the EXIF orientation says, as viewers show them (default true); false keeps the stored pixels. */
  readonly autoOrient?: boolean;
  /** Also return the EXIF, ICC and XMP blobs to keep in the file (default false). */
  readonly keepMetadata?: boolean;
}

/** A photo as the encoder takes it. */
export interface Photo {
  /** sRGB (or gray) samples, upright; with `data16` for sources of more than 8 bits. */
  readonly image: Raster;
  /** One line each for what was changed or left out on the way (an animation's other frames, CMYK converted, …). */
  readonly notices: string[];
  /** With `keepMetadata`: the blobs to store (spec §3.8). */
  readonly metadata: PhotoMetadata;
}

/** Sample formats of more than 8 bits (libvips names); they are read at 16 bits. */
const DEEP_FORMATS = new Set(['ushort', 'short', 'uint', 'int', 'float', 'double', 'complex', 'dpcomplex']);

/**
 * Decodes an image file that sharp reads (PNG, JPEG, WebP, TIFF, GIF, SVG,
 * HEIF/AVIF) as `encode` fits it (docs/photos.md):
 * - upright: the EXIF orientation applied, unless `autoOrient` is false;
 * - in sRGB: an embedded ICC profile (Display P3, Adobe RGB, a CMYK
 *   profile…) converted to sRGB; CMYK and Lab converted too; gray stays gray;
 * - alpha kept; 16-bit samples kept beside their 8-bit rounding;
 * - the first frame of an animation or page of a multi-page file, an SVG
 *   rasterized at its intrinsic size: each with a notice.
 * Anything else is an input error (exit 3). `name` is the file's, as messages give it (`-`: standard input).
 */
export async function readPhoto(bytes: Uint8Array, name: string, options: ReadPhotoOptions = {}): Promise<Photo> {
  const autoOrient = options.autoOrient !== false;
  const shown = shownName(name, 'input');
  const sharp = await loadSharp();
  try {
    const open = (limitInputPixels: number | false = MAX_INPUT_PIXELS) => sharp(bytes, { failOn: 'error', limitInputPixels, autoOrient });
    // The header read without sharp's pixel limit, which it enforces there too: checkInputSize says more.
    const meta = await open(false).metadata();
    checkInputSize(shown, meta.width ?? 0, meta.height ?? 0);
    const notices = photoNotices(meta, name);
    const gray = meta.channels !== undefined && meta.channels <= 2 && meta.space !== 'cmyk';
    const alpha = meta.hasAlpha === true;
    const deep = DEEP_FORMATS.has(meta.depth ?? 'uchar');
    const channels = ((gray ? 1 : 3) + (alpha ? 1 : 0)) as Raster['channels'];
    // sharp's gray output drops alpha: gray with alpha comes from the sRGB decode, where R = G = B for a gray source.
    const viaRgb = gray && alpha;
    const colourspace = gray && !viaRgb ? (deep ? 'grey16' : 'b-w') : (deep ? 'rgb16' : 'srgb');
    let pipeline = open().toColourspace(colourspace);
    if (viaRgb) pipeline = pipeline.ensureAlpha();
    const { data, info } = await pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    // 16-bit samples come in native byte order; a copy aligns them for the Uint16Array view.
    const decoded = deep ? new Uint16Array(new Uint8Array(data).buffer) : new Uint8Array(data.buffer, data.byteOffset, data.length);
    const picked = viaRgb ? pickChannels(decoded, info.channels, [0, 3]) : decoded;
    if (picked.length !== info.width * info.height * channels) throw new Error(`unexpected ${info.channels}-channel decode`);
    const image: Raster = picked instanceof Uint16Array
      ? { width: info.width, height: info.height, channels, data: Uint8Array.from(picked, (v) => Math.round(v / 257)), data16: picked }
      : { width: info.width, height: info.height, channels, data: picked };
    const metadata = options.keepMetadata === true ? keptMetadata(meta, name, channels, autoOrient, notices) : {};
    return { image, notices, metadata };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = (error as Error).message.split('\n')[0]!.replace(/^Input (buffer|file) /, '');
    throw inputError(`cannot decode ${shown} as an image: ${reason}`);
  }
}

/**
 * Refuses, before the decode, an image that `encode` does not take: over MAX_INPUT_PIXELS (sharp would refuse it
 * during the decode, in words that give neither the limit nor the size), or with a side over what an .snf holds
 * (the encoder would find out only when it writes the file, after its work).
 */
function checkInputSize(shown: string, width: number, height: number): void {
  const side = DEFAULT_LIMITS.maxImageSide;
  if (width > side || height > side) throw inputError(`${shown} is ${width}x${height} pixels; an .snf holds images of at most ${side} pixels a side`);
  if (width * height > MAX_INPUT_PIXELS) throw inputError(`${shown} is ${width}x${height} = ${width * height} pixels; encode takes at most ${MAX_INPUT_PIXELS} (64 Mi pixels)`);
}

function pickChannels<T extends Uint8Array | Uint16Array>(data: T, channels: number, picks: readonly number[]): T {
  const pixels = data.length / channels;
  const out = new (data.constructor as new (length: number) => T)(pixels * picks.length);
  for (let i = 0; i < pixels; i++) picks.forEach((c, k) => { out[picks.length * i + k] = data[channels * i + c]!; });
  return out;
}

/** The notices for what `readPhoto` changes or leaves out of this input. */
function photoNotices(meta: Metadata, name: string): string[] {
  const shown = shownName(name, 'input');
  const notices: string[] = [];
  const pages = meta.pages ?? 1;
  if (pages > 1) {
    notices.push(meta.format === 'gif' || meta.format === 'webp'
      ? `${shown} is animated (${pages} frames): encoding its first frame only`
      : `${shown} holds ${pages} images: encoding the first only`);
  }
  if (meta.format === 'svg') notices.push(`${shown} is SVG: rasterized at its intrinsic size, ${meta.width}x${meta.height} pixels`);
  if (meta.space === 'cmyk') notices.push(`${shown} is CMYK: converted to sRGB with ${meta.icc ? 'its ICC profile' : 'a generic CMYK profile'}`);
  if (meta.space === 'lab' || meta.space === 'labs') notices.push(`${shown} is CIELAB: converted to sRGB`);
  return notices;
}

/**
 * The blobs to keep: EXIF as its TIFF structure (its orientation set to 1
 * when the pixels were turned upright, so that a viewer does not turn them
 * again), the ICC profile when it can describe the decoded samples (an RGB
 * profile for colour, a gray one for gray), XMP as it is.
 */
function keptMetadata(meta: Metadata, name: string, channels: number, autoOriented: boolean, notices: string[]): PhotoMetadata {
  const shown = shownName(name, 'input');
  const kept: { -readonly [K in keyof PhotoMetadata]: PhotoMetadata[K] } = {};
  if (meta.exif && meta.exif.length > 0) {
    const tiff = exifTiffStructure(new Uint8Array(meta.exif));
    const orientation = exifOrientation(tiff);
    if (autoOriented && (meta.orientation ?? 1) !== 1 && orientation === undefined) {
      // sharp found an orientation this reader cannot find to reset: kept, it would turn the upright pixels again.
      notices.push(`${shown}: its EXIF is not kept: its orientation could not be reset to 1 after turning the image upright`);
    } else {
      kept.exif = autoOriented && orientation !== undefined && orientation !== 1 ? withExifOrientation(tiff, 1) : tiff;
    }
  }
  if (meta.icc && meta.icc.length > 0) {
    const space = iccColourSpace(meta.icc);
    if (iccFitsChannels(space, channels)) kept.icc = new Uint8Array(meta.icc);
    else notices.push(`${shown}: its ${space ?? 'unreadable'} ICC profile is not kept: the file holds sRGB${channels <= 2 ? ' gray' : ''} samples`);
  }
  if (meta.xmp && meta.xmp.length > 0) kept.xmp = new Uint8Array(meta.xmp);
  return kept;
}

/** Output formats `decode` writes, by file extension. */
export const OUTPUT_FORMATS = { '.png': 'png', '.webp': 'webp', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.tif': 'tiff', '.tiff': 'tiff' } as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[keyof typeof OUTPUT_FORMATS];

/** Formats that hold 16-bit samples. */
export const DEEP_OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'tiff'];

/** The format for an output path, or a usage error naming the choices. */
export function outputFormatFor(file: string): OutputFormat {
  // Standard output (-o -) has no extension to go by: PNG, which holds every decode (16 bits, alpha) losslessly.
  if (file === STANDARD_STREAM) return 'png';
  const extension = path.extname(file).toLowerCase();
  const format = OUTPUT_FORMATS[extension as keyof typeof OUTPUT_FORMATS];
  if (!format) {
    refuseFolder(file, 'photo.png');
    throw usageError(`cannot write '${file}': use one of ${Object.keys(OUTPUT_FORMATS).join(', ')}`);
  }
  return format;
}

/** Largest side each output format holds (libwebp: 16383; libjpeg in libvips: 65500); PNG and TIFF go past --size's 65536. */
const MAX_OUTPUT_SIDE = { png: Infinity, webp: 16383, jpeg: 65500, tiff: Infinity } as const;

/** A usage error unless `format` can hold a `width` × `height` image; call it before decoding. */
export function checkOutputSize(file: string, format: OutputFormat, width: number, height: number): void {
  const max = MAX_OUTPUT_SIDE[format];
  if (width > max || height > max) {
    throw usageError(`cannot write '${file}': ${format.toUpperCase()} holds at most ${max} pixels a side, and the output would be ${width}x${height}`);
  }
}

/** An encoded output, and one line each for metadata that it could not carry. */
export interface EncodedOutput {
  readonly bytes: Uint8Array;
  readonly notices: string[];
  /** The metadata that reached the file: `EXIF`, `ICC`, `XMP`. */
  readonly kept: string[];
}

/**
 * Encodes pixels as `format` (lossless PNG and LZW TIFF; high-quality
 * WebP/JPEG), at 16 bits when the raster has `data16` and the format holds
 * them, with `metadata` written back: the ICC profile attached (and the
 * sRGB pixels converted to it, so that they look the same), EXIF and XMP
 * byte for byte (TIFF: XMP only; its EXIF would be tags of its own IFD).
 */
export async function encodeImageFile(image: Raster, format: OutputFormat, metadata: PhotoMetadata = {}): Promise<EncodedOutput> {
  const deep = image.data16 !== undefined && DEEP_OUTPUT_FORMATS.includes(format);
  // TIFF holds EXIF as tags of its own IFD and XMP through sharp (below): no blob is embedded in it.
  const blobs = format === 'tiff' ? {} : { ...(metadata.exif ? { exif: metadata.exif } : {}), ...(metadata.xmp ? { xmp: metadata.xmp } : {}) };
  if (format === 'png' && metadata.icc === undefined) {
    // The default output, without loading sharp (src/io/png.ts).
    const notices: string[] = [];
    const png = encodePng(image, deep);
    const embedded = embedBlobs(png, format, blobs, image, notices);
    return { bytes: embedded.bytes, notices, kept: embedded.kept };
  }
  const samples = deep ? image.data16! : image.data;
  const sharp = await loadSharp();
  // sharp takes the sample format of raw input from the typed array: Uint16Array is 16 bits.
  let pipeline = sharp(samples, { raw: { width: image.width, height: image.height, channels: image.channels } });
  // Without this, sharp writes gray input as RGB (and 16-bit input as 8-bit).
  if (image.channels <= 2) pipeline = pipeline.toColourspace(deep ? 'grey16' : 'b-w');
  else if (deep) pipeline = pipeline.toColourspace('rgb16');
  const notices: string[] = [];
  const icc = metadata.icc;
  // The profile written with the pixels: none where it does not describe them.
  const profile = icc !== undefined && iccFitsChannels(iccColourSpace(icc), image.channels) ? icc : undefined;
  if (icc && !profile) notices.push(`the file's ${iccColourSpace(icc) ?? 'unreadable'} ICC profile is not written: it does not describe these samples`);
  // sharp writes a JPEG of an image with alpha over black, without a word.
  if (format === 'jpeg' && (image.channels === 2 || image.channels === 4)) notices.push('JPEG holds no alpha: the transparent areas are written over black (PNG, WebP and TIFF keep the alpha)');
  // sharp's TIFF default is JPEG compression, which is lossy: LZW keeps every sample.
  const options = { png: { compressionLevel: 6 }, webp: { quality: 95 }, jpeg: { quality: 95 }, tiff: { compression: 'lzw' } }[format];
  const render = (ready: typeof pipeline): Promise<Buffer> => ready.toFormat(format, options).toBuffer();
  try {
    if (metadata.xmp && format === 'tiff') pipeline = pipeline.withXmp(new TextDecoder().decode(metadata.xmp));
    const buffer = profile
      ? // sharp attaches a profile from a file (or a built-in name) only.
        await withTempFolder('snfc-icc-', async (folder) => {
          const profileFile = path.join(folder, 'profile.icc');
          await fs.writeFile(profileFile, profile);
          return render(pipeline.withIccProfile(profileFile));
        })
      : await render(pipeline);
    const rendered: Uint8Array = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    if (metadata.exif && format === 'tiff') notices.push('the EXIF is not written: a TIFF output holds EXIF as tags of its own, not as a block (use PNG, JPEG or WebP)');
    const embedded = embedBlobs(rendered, format, blobs, image, notices);
    // What reached the file: sharp leaves out, without a word, a profile it cannot parse.
    const written = await sharp(embedded.bytes).metadata();
    if (profile && written.icc === undefined) notices.push('the ICC profile is not written: the image library could not use it');
    const kept = [
      ...(embedded.kept.includes('EXIF') ? ['EXIF'] : []), ...(written.icc !== undefined && profile ? ['ICC'] : []),
      ...(embedded.kept.includes('XMP') || (format === 'tiff' && metadata.xmp && written.xmp !== undefined) ? ['XMP'] : []),
    ];
    return { bytes: embedded.bytes, notices, kept };
  } catch (error) {
    throw outputError(`cannot encode the image as ${format.toUpperCase()}: ${firstLine(error)}`);
  }
}

/**
 * sharp, loaded on first use: loading it takes about 100 ms, which a decode to PNG does without. A broken
 * install (its message runs to ten lines) is one line, exit 1.
 */
async function loadSharp(): Promise<SharpConstructor> {
  try {
    return (await import('sharp')).default;
  } catch (error) {
    throw new CliError(`the image library (sharp) could not be loaded: ${firstLine(error)}; reinstall with \`npm install\``, EXIT.FAILURE);
  }
}

/** `bytes` with the EXIF and XMP blobs written in, and which were (`EXIF`, `XMP`); a blob the format cannot hold is left out with a notice. */
function embedBlobs(
  bytes: Uint8Array, format: OutputFormat, blobs: { exif?: Uint8Array; xmp?: Uint8Array }, image: Raster, notices: string[],
): { bytes: Uint8Array; kept: string[] } {
  const embed = (one: { exif?: Uint8Array; xmp?: Uint8Array }, into: Uint8Array): Uint8Array => {
    if (format === 'png') return embedInPng(into, one);
    if (format === 'jpeg') return embedInJpeg(into, one);
    return embedInWebp(into, one, image.width, image.height, image.channels % 2 === 0);
  };
  // One blob at a time, so that one too large for a JPEG segment does not cost the other.
  let out = bytes;
  const kept: string[] = [];
  for (const [kind, blob] of Object.entries(blobs)) {
    try {
      out = embed({ [kind]: blob }, out);
      kept.push(kind.toUpperCase());
    } catch (error) {
      if (!(error instanceof EmbedError)) throw error;
      notices.push(`the ${kind.toUpperCase()} is not written: ${error.message}`);
    }
  }
  return { bytes: out, kept };
}
