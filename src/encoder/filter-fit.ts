/**
 * Fits the restoration filter (spec §4.6, kernels/post-filter.ts) to a
 * decoded field: per activity class and colour channel, the least-squares
 * coefficients that bring the field closest to the image, then rounded to
 * the int8 grid the header stores. A filter's size depends only on its
 * shape, not on its values, so the rate control can reserve its bytes
 * exactly before the networks are quantized (`placeholderFilter`).
 */
import {
  colourChannels, filterFeatures, pixelActivity, tapsPerChannel, activityClasses, type FieldImage, type RestorationFilter,
} from '../kernels/post-filter.js';
import { normalizeSample, normalizeSample16 } from '../kernels/render.js';
import type { Raster } from '../raster.js';
import { filterValue } from '../format/filter.js';
import { encodeHeaderValue } from '../format/msgpack.js';

/** Whether an encode fits a restoration filter: `auto` when it pays (`filterShapeFor`), `off` never. */
export const FILTER_MODES = ['auto', 'off'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];

/** The shape of a filter: what fixes its size in the header. */
export interface FilterShape {
  readonly radius: number;
  readonly cross: number;
  readonly classes: number;
}

/**
 * The shape an encode uses: taps in a diamond of radius 3 on the own
 * channel and 1 on the others, 4 activity classes (measured on full-size
 * photos at 1 bpp: kodim05 +0.42 dB, kodim20 +0.26 for 222 bytes; 8 classes
 * add 0.02–0.03 dB for twice the bytes, radius 4 nothing; docs/studies.md).
 */
export const DEFAULT_FILTER_SHAPE: FilterShape = { radius: 3, cross: 1, classes: 4 };

/**
 * Most of the file a filter may take in `auto`. Measured with
 * bench/filter-shapes.ts: one class gains about 0.2 dB, two 0.05–0.1 more,
 * four another 0.05–0.1, and at 2.85 dB per doubling of the rate 3 % of
 * the file costs 0.12 dB; so a class count whose bytes are within 3 % of
 * the file gains more than those bytes would in the networks (a 192×128
 * crop at 1 bpp takes one class: +0.20 dB for 2.2 % of its 3 KB).
 */
export const FILTER_MAX_SHARE = 0.03;

/** Header bytes of a filter of `shape` for `channels` channels: its map as the writer encodes it (the size does not depend on the values). */
export function filterBytes(shape: FilterShape, channels: number): number {
  return encodeHeaderValue(filterValue(placeholderFilter(shape, channels), channels >= 3 ? 'rgb' : 'gray')).length;
}

/**
 * The shape to use for a file of `targetBytes` (undefined: no filter): the
 * default shape with fewer classes as the file gets smaller, none when even
 * one class would take over `FILTER_MAX_SHARE` of it.
 */
export function filterShapeFor(targetBytes: number, channels: number): FilterShape | undefined {
  for (let classes = DEFAULT_FILTER_SHAPE.classes; classes >= 1; classes = Math.floor(classes / 2)) {
    const shape = { ...DEFAULT_FILTER_SHAPE, classes };
    if (filterBytes(shape, channels) <= FILTER_MAX_SHARE * targetBytes) return shape;
  }
  return undefined;
}

/** A filter of `shape` with zero coefficients: the size of the fitted one, for the rate control. */
export function placeholderFilter(shape: FilterShape, channels: number): RestorationFilter {
  const colours = colourChannels(channels);
  return {
    radius: shape.radius, cross: shape.cross, shift: 0,
    thresholds: Float32Array.from({ length: shape.classes - 1 }, (_, k) => k + 1),
    coefficients: new Int8Array(shape.classes * colours * tapsPerChannel(shape.radius, shape.cross, colours)),
  };
}

/**
 * The filter of `shape` that brings `field` (the decoded field at the
 * image's size) closest to `image` in squared error, its classes split at
 * the quantiles of activity (equal pixel counts; fewer classes if they
 * coincide, as on a flat image).
 */
export function fitFilter(field: FieldImage, image: Raster, shape: FilterShape): RestorationFilter {
  const colours = colourChannels(image.channels);
  const n = tapsPerChannel(shape.radius, shape.cross, colours);
  const thresholds = activityThresholds(pixelActivity(field), shape.classes);
  const classes = activityClasses(field, thresholds);
  const count = thresholds.length + 1;
  // Normal equations per (class, channel): XᵀX (upper triangle used) and Xᵀr, r = target − field.
  const gram = Array.from({ length: count * colours }, () => new Float64Array(n * n));
  const moment = Array.from({ length: count * colours }, () => new Float64Array(n));
  const features = new Float64Array(n);
  const target = image.data16 ? (i: number) => normalizeSample16(image.data16![i]!) : (i: number) => normalizeSample(image.data[i]!);
  for (let y = 0; y < field.height; y++) {
    for (let x = 0; x < field.width; x++) {
      const pixel = y * field.width + x;
      for (let c = 0; c < colours; c++) {
        filterFeatures(field, x, y, c, shape.radius, shape.cross, features);
        const at = pixel * image.channels + c;
        const residual = target(at) - field.values[at]!;
        const system = classes[pixel]! * colours + c;
        const g = gram[system]!;
        const m = moment[system]!;
        for (let i = 0; i < n; i++) {
          const fi = features[i]!;
          m[i]! += fi * residual;
          for (let j = i; j < n; j++) g[i * n + j]! += fi * features[j]!;
        }
      }
    }
  }
  const solved = gram.map((g, s) => solveSymmetric(g, moment[s]!, n));
  return { radius: shape.radius, cross: shape.cross, thresholds, ...quantizeCoefficients(solved) };
}

/**
 * Thresholds at the activity's quantiles k / classes, strictly ascending
 * (repeats dropped), each halfway between two pixels' activities: a
 * threshold equal to a pixel's activity would leave that pixel's class to
 * the last bit of another decoder's arithmetic (spec §4.6).
 */
function activityThresholds(activity: Float32Array, classes: number): Float32Array {
  const sorted = Float64Array.from(activity).sort();
  const thresholds: number[] = [];
  for (let k = 1; k < classes; k++) {
    const at = Math.max(1, Math.floor((k * sorted.length) / classes));
    const t = Math.fround((sorted[at - 1]! + sorted[at]!) / 2);
    if (thresholds.length === 0 || t > thresholds[thresholds.length - 1]!) thresholds.push(t);
  }
  return Float32Array.from(thresholds);
}

/** The coefficients on one int8 grid 2^−shift: the finest whose range holds the largest. */
function quantizeCoefficients(solved: readonly Float64Array[]): { shift: number; coefficients: Int8Array } {
  const all = solved.flatMap((c) => Array.from(c));
  const largest = Math.max(...all.map(Math.abs));
  const shift = largest > 0 ? Math.max(0, Math.min(15, Math.floor(Math.log2(127 / largest)))) : 15;
  const coefficients = Int8Array.from(all, (c) => Math.max(-127, Math.min(127, Math.round(c * 2 ** shift))));
  return { shift, coefficients };
}

/**
 * Solves G c = m for the symmetric G whose upper triangle is filled, by
 * Cholesky with a small ridge (a class with few pixels or a flat channel
 * makes G singular; the ridge then gives the smallest-norm-like answer, 0
 * for a direction with no data).
 */
function solveSymmetric(g: Float64Array, m: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += g[i * n + i]!;
  const ridge = 1e-9 * (trace / n) + 1e-300;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = g[j * n + i]! + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = m[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * z[k]!;
    z[i] = sum / l[i * n + i]!;
  }
  const c = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * c[k]!;
    c[i] = sum / l[i * n + i]!;
  }
  return c;
}
