import { EncodeOptionsError } from './options-error.js';
import { DEFAULT_LIMITS } from '../format/constants.js';
import type { Raster } from '../raster.js';

/**
 * Range checks of the encoders' numeric options, for library callers (the
 * CLI checks its flags first, within these ranges, some narrower: --width to
 * 1024, --depth to 32): a value out of range
 * is refused before any work, naming the option, where it would otherwise
 * run a fit and fail late (bpp Infinity), or be taken silently as something
 * else (steps −1 as 0, seed 1.5 as given).
 */

interface Range {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** `min` itself is out. */
  readonly above?: boolean;
}

/** Encode options that are numbers, each with its range (both encoders; a signal's own are added by it). */
export const NUMBER_OPTIONS: Readonly<Record<string, Range>> = {
  width: { min: 1, max: DEFAULT_LIMITS.maxUnits, integer: true },
  depth: { min: 1, max: DEFAULT_LIMITS.maxDepth, integer: true },
  bits: { min: 2, max: 16, integer: true },
  steps: { min: 0, max: 1_000_000, integer: true },
  qatSteps: { min: 0, max: 1_000_000, integer: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  alpha: { min: 0, max: 100, above: true },
  omega: { min: 0, max: 1000, above: true },
  lr: { min: 0, max: 1, above: true },
  bitsPerParam: { min: 0, max: 32, above: true },
  timeLimitSeconds: { min: 0, max: 7 * 24 * 3600, above: true },
};

/** A value as a message quotes it: a string in quotes and named as one, so that `'3'` does not read as the number 3. */
export function described(value: unknown): string {
  return typeof value === 'string' ? `'${value}' (a string)` : String(value);
}

/**
 * Refuses a callback option that is not a function (`onStep: 5`), and an `engine` given by the CLI's name
 * (`engine: 'wasm'`) rather than as a factory: either would fail deep in the fit as "… is not a function".
 * @throws EncodeOptionsError
 */
export function checkFunctionOptions(options: object, names: readonly string[]): void {
  for (const name of names) {
    const value: unknown = (options as Record<string, unknown>)[name];
    if (value === undefined || typeof value === 'function') continue;
    const hint = name === 'engine' && typeof value === 'string' ? ' (an engine factory, such as wasmEngineFactory(); the names are the CLI\'s --engine)' : '';
    throw new EncodeOptionsError(`${name} must be a function${hint}; got ${described(value)}`);
  }
}

/** Refuses a number option of `options` outside its range in `ranges`. @throws EncodeOptionsError */
export function checkNumberOptions(options: object, ranges: Readonly<Record<string, Range>>): void {
  for (const [name, value] of Object.entries(options)) {
    const range = ranges[name];
    if (range === undefined || value === undefined) continue;
    const n = value as number;
    const inRange = typeof value === 'number' && Number.isFinite(n) && (range.above ? n > range.min : n >= range.min) && n <= range.max
      && (range.integer !== true || Number.isInteger(n));
    if (!inRange) {
      const what = range.integer ? 'a whole number' : 'a number';
      const span = range.above ? `above ${range.min} and at most ${range.max}` : `from ${range.min} to ${range.max}`;
      throw new EncodeOptionsError(`${name} must be ${what} ${span}; got ${described(value)}`);
    }
  }
}

/** Refuses a raster whose shape and samples do not agree (the encoders read `width × height × channels` samples). @throws EncodeOptionsError */
export function checkRaster(image: Raster): void {
  if (image === null || typeof image !== 'object') throw new EncodeOptionsError(`the image must be { width, height, channels, data }; got ${described(image)}`);
  const { width, height, channels } = image;
  if (!Number.isSafeInteger(width) || width < 1 || !Number.isSafeInteger(height) || height < 1) {
    throw new EncodeOptionsError(`the image's width and height must be whole numbers from 1; got ${typeof width === 'number' && typeof height === 'number' ? `${width}x${height}` : `${described(width)} by ${described(height)}`}`);
  }
  if (!([1, 2, 3, 4] as unknown[]).includes(channels)) throw new EncodeOptionsError(`the image has ${described(channels)} channels; 1 to 4 are encoded (gray, gray + alpha, RGB, RGBA)`);
  const samples = width * height * channels;
  const data: unknown = image.data;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray) || data.length !== samples) {
    throw new EncodeOptionsError(`the image's data must be ${samples} 8-bit samples (${width}x${height}x${channels}); got ${describeSamples(image.data)}`);
  }
  const data16: unknown = image.data16;
  if (data16 !== undefined && (!(data16 instanceof Uint16Array) || data16.length !== samples)) {
    throw new EncodeOptionsError(`the image's data16 must be ${samples} 16-bit samples (${width}x${height}x${channels}); got ${describeSamples(image.data16)}`);
  }
}

function describeSamples(data: unknown): string {
  return ArrayBuffer.isView(data) ? `${(data as { length?: number }).length ?? data.byteLength} in a ${data.constructor.name}` : typeof data;
}
