import { initKernels, selectForward, selectGrid } from '../kernels/forward-select.js';
import { renderField, renderImage, type ForwardFunction, type GridEvaluator, type ImageNetwork } from '../kernels/render.js';
import type { FieldImage } from '../kernels/post-filter.js';
import type { Raster } from '../raster.js';
import { fileOf } from './file-of.js';
import { checkKeys, DEFAULT_LIMITS, networkParams, SnfFormatError, type ImageHeader, type ImageRegion, type SnfFile, type SnfLimits } from '../format/index.js';

/** Output size: a scale factor of the source, or exact dimensions. */
export type DecodeSize = { scale?: number } | { width: number; height: number };

/**
 * Default of `maxPixels`: 2^26 = 67,108,864 output pixels (8192 × 8192), the
 * largest input `snfc encode` accepts, so every file snfc writes decodes at
 * its own size. The renderer holds `channels` bytes per output pixel (the
 * 8-bit result; 2 × channels more for 16-bit samples) and 4 × channels for
 * the field before rounding (the blend's sums, spec §3.5): at most 1.25 GiB
 * for RGBA at this limit. A file with a restoration filter (spec §4.6) takes
 * 4 × channels more for the filtered field and about 13 bytes a pixel of
 * maps while the filter runs: about 3 GiB for RGBA at this limit. A network is evaluated a band of at most 65,536 pixels
 * at a time, so its values and inputs add at most about 20 MiB whatever
 * the size.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 26;

/**
 * What `decodeImage` refuses: the file limits of spec §8 (`SnfLimits`,
 * defaults in `DEFAULT_LIMITS`) plus the output size.
 */
export interface DecodeLimits extends SnfLimits {
  /**
   * Most output pixels (width × height), checked before anything the size of
   * the output is allocated. Default `DEFAULT_MAX_PIXELS` (2^26).
   */
  readonly maxPixels: number;
}

/** How to decode, beyond what to decode. */
export interface DecodeOptions {
  /**
   * The field evaluator; default the fastest single-threaded kernels this
   * runtime has (`initKernels`), on each network's pixel grid
   * (`gridForwardFast`). Node's CLI passes a multi-threaded one for large outputs.
   */
  readonly forward?: ForwardFunction;
  /**
   * 16: also return the samples at 16 bits (`Raster.data16`, spec §4.3),
   * rounded from the field itself rather than scaled from 8 bits; 2 bytes
   * more per sample. Default 8.
   */
  readonly sampleBits?: 8 | 16;
  /**
   * More grid evaluators to share the work with this thread's (without
   * `forward`): worker threads, as Node's CLI starts for large outputs
   * (src/cli/grid-lanes.ts). The samples are the same with any number.
   */
  readonly lanes?: readonly GridEvaluator[];
}

const CHANNELS = { gray: 1, graya: 2, rgb: 3, rgba: 4 } as const;

/**
 * Decodes an image .snf file to 8-bit pixels at the source size, at
 * `scale` times it (rounded, at least 1 pixel), or at exactly
 * `width` × `height`. The field is continuous, so any size is valid.
 *
 * Hostile input is safe: the file is checked completely (spec §7) and its
 * limits applied before anything sized by its header is allocated, and the
 * output size is checked against `limits.maxPixels` before rendering.
 *
 * @param source  the file's bytes, or the file as `readSnf` read it (with the limits it was read with, which then
 *   stand for `limits`' file limits): a caller that has read the file already, as Node's CLI has to tell an image
 *   from audio, saves parsing it twice (about 10 ms of a 768×512 photo's half-second decode: the second parse runs warm)
 * @param limits  overrides of `DEFAULT_LIMITS` (spec §8) and of `maxPixels`
 * @throws SnfFormatError for any problem of the file (its spec §9 code),
 *   `LIMIT_EXCEEDED` for an output over `maxPixels`, `INVALID_ARGUMENT` for a
 *   `size` or limit that is not a valid value; no other error type for any bytes.
 * @example
 *   const image = await decodeImage(bytes, { scale: 2 }, { maxPixels: 4096 * 4096 });
 */
export async function decodeImage(
  source: Uint8Array | SnfFile, size: DecodeSize = {}, limits?: Partial<DecodeLimits>, options: DecodeOptions = {},
): Promise<Raster> {
  checkKeys(options, 'options', ['forward', 'sampleBits', 'lanes']);
  if (options.sampleBits !== undefined && options.sampleBits !== 8 && options.sampleBits !== 16) {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected 8 or 16 for options.sampleBits but received ${String(options.sampleBits)}`);
  }
  if (options.forward !== undefined && typeof options.forward !== 'function') {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected a function for options.forward but received ${typeof options.forward}`);
  }
  const { file, header, maxPixels } = readImageFile(source, limits);
  const { width: outWidth, height: outHeight } = decodedSize(header, size);
  checkOutputSize(outWidth, outHeight, maxPixels);
  await initKernels();
  const networks = imageNetworks(file);
  // A caller's evaluator (Node's threads) gets encoded grids; the default is the grid path of the kernels loaded.
  return renderImage(header.width, header.height, CHANNELS[header.layout], networks, outWidth, outHeight, options.forward ?? selectForward(), {
    overlap: header.blend?.overlap, sampleBits: options.sampleBits === 16 ? 16 : 8, grid: gridEvaluators(options),
    ...(header.filter === undefined ? {} : { filter: header.filter }), ...(header.residual === undefined ? {} : { residual: header.residual }),
    ...(header.finalFilter === undefined ? {} : { finalFilter: header.finalFilter }),
  });
}

/**
 * An image file read and checked (spec §7) with the caller's limits, or as
 * the caller read it, and the output limit `maxPixels` taken out of them and
 * validated.
 */
function readImageFile(
  source: Uint8Array | SnfFile, limits: Partial<DecodeLimits> | undefined,
): { file: SnfFile; header: ImageHeader; maxPixels: number } {
  checkKeys(limits, 'limits', [...Object.keys(DEFAULT_LIMITS), 'maxPixels']);
  const { maxPixels = DEFAULT_MAX_PIXELS, ...fileLimits } = limits ?? {};
  if (typeof maxPixels !== 'number' || !(maxPixels >= 0)) {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected a number ≥ 0 for limits.maxPixels but received ${String(maxPixels)}`);
  }
  const file = fileOf(source, fileLimits);
  const header = file.header;
  if (header.kind !== 'image') throw new SnfFormatError('UNSUPPORTED_FEATURE', 'this file holds audio, not an image');
  return { file, header, maxPixels };
}

/** Spec §8: the output size is checked before anything of that size is allocated. */
function checkOutputSize(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new SnfFormatError('LIMIT_EXCEEDED',
      `the output would be ${width}x${height} = ${width * height} pixels, over the limit maxPixels = ${maxPixels}`);
  }
}

/** A file's networks as the renderer takes them: region, frame, architecture and dequantized parameters. */
function imageNetworks(file: SnfFile): ImageNetwork[] {
  return file.networks.map((network) => ({
    region: network.region as ImageRegion, frame: network.frame as ImageRegion, arch: network.arch, params: networkParams(network),
  }));
}

/**
 * The field of an image .snf file at its own size before the restoration
 * filter and the rounding (spec §4.3, §4.6): what the encoder fits the
 * filter to, for studies and tools that refit it. Checks the file and the
 * output size (its own) like `decodeImage`.
 */
export async function decodeField(bytes: Uint8Array, limits?: Partial<DecodeLimits>): Promise<FieldImage> {
  const { file, header, maxPixels } = readImageFile(bytes, limits);
  checkOutputSize(header.width, header.height, maxPixels);
  await initKernels();
  return renderField(header.width, header.height, CHANNELS[header.layout], imageNetworks(file), header.width, header.height, selectForward(), {
    overlap: header.blend?.overlap, grid: selectGrid(),
  });
}

/** This thread's grid evaluator and the caller's lanes; none with a caller's `forward` or without the WASM kernels. */
function gridEvaluators(options: DecodeOptions): GridEvaluator[] | undefined {
  const own = selectGrid();
  return options.forward === undefined && own !== undefined ? [own, ...(options.lanes ?? [])] : undefined;
}

/**
 * The size `decodeImage` renders a `source` image at for `size`: the source
 * size, `scale` times it (each side rounded, at least 1), or exactly
 * `width` × `height`. Allocates nothing; callers use it to check an output
 * size before decoding.
 *
 * @throws SnfFormatError `INVALID_ARGUMENT` for a scale that is not a finite
 *   number > 0, or a width or height that is not an integer ≥ 1.
 */
export function decodedSize(source: { readonly width: number; readonly height: number }, size: DecodeSize = {}): { width: number; height: number } {
  if (typeof size !== 'object' || size === null) {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected { scale } or { width, height } for size but received ${String(size)}`);
  }
  checkKeys(size, 'size', ['scale', 'width', 'height'], { size: 'width and height' });
  if ('width' in size || 'height' in size) {
    if ('scale' in size && size.scale !== undefined) {
      throw new SnfFormatError('INVALID_ARGUMENT', 'Expected { scale } or { width, height } for size, not both');
    }
    const { width, height } = size as { width: unknown; height: unknown };
    if (!isSide(width) || !isSide(height)) {
      throw new SnfFormatError('INVALID_ARGUMENT', `Expected integers ≥ 1 for size.width and size.height but received ${String(width)} and ${String(height)}`);
    }
    return { width, height };
  }
  const scale: unknown = size.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected a finite number > 0 for size.scale but received ${String(scale)}`);
  }
  return { width: Math.max(1, Math.round(source.width * scale)), height: Math.max(1, Math.round(source.height * scale)) };
}

function isSide(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}
