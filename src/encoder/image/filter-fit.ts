/**
 * Fits the restoration filter (spec §4.6, kernels/post-filter.ts) to a
 * decoded field: per activity class and colour channel, the least-squares
 * coefficients that bring the field closest to the image, then rounded to
 * the int8 grid the header stores. A filter's size depends only on its
 * shape, not on its values, so the rate control can reserve its bytes
 * exactly before the networks are quantized (`placeholderFilter`).
 */
import {
  CLIP_BOUNDS, clippedFilterFeatures, colourChannels, diamondTaps, DIRECTIONS, filterFeatures, pixelActivity, pixelSets, tapsPerChannel,
  type FieldImage, type RestorationFilter,
} from '../../kernels/post-filter.js';
import { normalizeSample, normalizeSample16 } from '../../kernels/render.js';
import type { Raster } from '../../raster.js';
import { filterValue } from '../../format/filter.js';
import { encodeHeaderValue } from '../../format/msgpack.js';

/**
 * Seconds per pixel of what follows an image's fit before its residual (the field rendered, the filter fitted and
 * applied, both measured), on this project's 2-core host: 1.2 s for a 768×512 photo. An encode under --time keeps
 * it back from the fit (encode-image-core.ts).
 */
export const FILTER_SECONDS_PER_PIXEL = 3e-6;

/** Whether an encode fits a restoration filter: `auto` when it pays (`filterShapeFor`), `off` never. */
export const FILTER_MODES = ['auto', 'off'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];

/** The shape of a filter: what fixes its size in the header. */
export interface FilterShape {
  readonly radius: number;
  readonly cross: number;
  /** Activity classes. */
  readonly classes: number;
  /** Direction classes: 1 or `DIRECTIONS`. */
  readonly directions: number;
  /** Clipped taps (a final filter only, spec §3.13): each own tap's bound picked from `CLIP_BOUNDS` per set. */
  readonly clipped?: boolean;
}

/**
 * The shapes `auto` chooses from, most bytes first: taps in a diamond of
 * radius 3 on the own channel and 1 on the others, 4, 2 or 1 activity
 * classes, each split by 5 directions, then without directions. Measured
 * on full-size photos at 1 bpp (docs/studies.md): radius 3 with cross taps
 * and 4 activity classes gains kodim05 +0.43 dB, kodim20 +0.26 for 222
 * bytes, the five directions on top (and `CLASS_QUANTILES`) +0.19 and +0.15
 * for 776 more; radius 4 and 8 activity classes add nothing worth their
 * bytes, also at 2 bpp. 1 activity class × 5 directions (265 bytes) beats
 * 4 activity classes alone (222) on both.
 */
export const FILTER_SHAPES: readonly FilterShape[] = [
  { radius: 3, cross: 1, classes: 4, directions: DIRECTIONS },
  { radius: 3, cross: 1, classes: 2, directions: DIRECTIONS },
  { radius: 3, cross: 1, classes: 1, directions: DIRECTIONS },
  { radius: 3, cross: 1, classes: 2, directions: 1 },
  { radius: 3, cross: 1, classes: 1, directions: 1 },
];

/**
 * The shapes of the final filter (spec §3.12), which runs after the DCT residual, most bytes first: a diamond of
 * radius 2 on the own channel, no cross taps, 4 activity classes with and without the 5 directions, and radius 1.
 * Fitted to decoded files at 0.5 and 1 bpp (bench/second-filter-pilot.ts; docs/studies.md, "A final filter after
 * the residual"), 4 × 5 classes of radius 2 (398 bytes) gained +0.10 to +0.31 dB at 0.5 bpp, the most net of its
 * bytes on three photos of four; radius 3 with cross taps (998 bytes) gained more but not its bytes' worth. The
 * largest has clipped taps (format x.11, spec §3.13): on session 55's networks of the 20 photos, filled again to the
 * same rates with the post-fit pilot, +0.02 dB at 1 bpp and +0.05 at 0.5 on the mean, +0.04 to +0.05 where the
 * residual's pick stayed the same (docs/studies.md, "Clipped taps for the final filter"); the smaller shapes, for files under
 * about 17 KB (`filterPrice` adds the clips' 2 bits each to the unclipped map's 398 bytes), were not measured clipped.
 */
export const FINAL_FILTER_SHAPES: readonly FilterShape[] = [
  { radius: 2, cross: 0, classes: 4, directions: DIRECTIONS, clipped: true },
  { radius: 2, cross: 0, classes: 4, directions: 1 },
  { radius: 1, cross: 0, classes: 4, directions: 1 },
];

/** The largest shape, which a photo at 1 bpp gets. */
export const DEFAULT_FILTER_SHAPE: FilterShape = FILTER_SHAPES[0]!;

/**
 * Most of the file a filter may take in `auto`. At 2.85 dB per doubling
 * of the rate, a share s of the file costs about 4.1 · s dB in the
 * networks; each step up the list above gains 0.05–0.1 dB for its bytes
 * (bench/filter-shapes.ts), which pays while it is within about 2.5 % of
 * the file: a 768×512 photo's networks take 4 × 5 classes from about 0.8 bpp
 * of theirs, 2 × 5 from 0.4, 1 × 5 from 0.2 (at a target rate the networks'
 * bytes are the rate less the residual's share: 1 bpp gives 2 × 5); a 192×128
 * crop at 1 bpp one class without directions, and files under 2.7 KB no filter.
 */
export const FILTER_MAX_SHARE = 0.025;

/** Header bytes of a filter of `shape` for `channels` channels: its map as the writer encodes it (the size does not depend on the values). */
export function filterBytes(shape: FilterShape, channels: number): number {
  return encodeHeaderValue(filterValue(placeholderFilter(shape, channels), channels >= 3 ? 'rgb' : 'gray', shape.clipped === true ? 'clipped' : 'filter')).length;
}

/**
 * The shape to use for a file of `targetBytes` (undefined: no filter): the
 * first of `shapes` (the restoration filter's, or the final filter's) whose `filterPrice` is within `FILTER_MAX_SHARE` of the file.
 */
export function filterShapeFor(targetBytes: number, channels: number, shapes: readonly FilterShape[] = FILTER_SHAPES): FilterShape | undefined {
  return shapes.find((shape) => filterPrice(shape, channels) <= FILTER_MAX_SHARE * targetBytes);
}

/**
 * Bytes a filter of `shape` is weighed at against `FILTER_MAX_SHARE`: its map's (`filterBytes`), but a clipped
 * shape's bound indices at the 2 bits that pick one of `CLIP_BOUNDS`, not the byte a piece the map spends on them.
 * The coefficients deflate little (6–7 bits of 8), the indices to about a quarter (kodim07's 120 at 1 bpp: 1.86 bits
 * each); priced at a byte, the clipped 4 × 5 shape (398 + 124 bytes) went only to files from about 21 KB instead of
 * its unclipped twin's 16 KB (session 61). At 2 bits a bound it goes to files from about 17 KB.
 */
export function filterPrice(shape: FilterShape, channels: number): number {
  if (shape.clipped !== true) return filterBytes(shape, channels);
  return filterBytes({ ...shape, clipped: false }, channels) + Math.ceil((boundCount(shape) * Math.log2(CLIP_BOUNDS.length)) / 8);
}

/** Bound indices a clipped filter of `shape` stores (bin `k`, spec §3.13): one a set (class × direction) and own tap. */
function boundCount(shape: FilterShape): number {
  return shape.classes * shape.directions * diamondTaps(shape.radius).length;
}

/**
 * A filter of `shape` whose header entry has the size of the fitted one,
 * for the rate control. Its MessagePack size does not depend on the values;
 * deflated (spec §2.2) it does, so the coefficients are not zeros (which
 * would deflate to nothing) but a fixed draw from a Laplace distribution of
 * scale `PLACEHOLDER_SCALE`, about as compressible as fitted ones.
 */
export function placeholderFilter(shape: FilterShape, channels: number): RestorationFilter {
  const colours = colourChannels(channels);
  const count = shape.classes * shape.directions * colours * tapsPerChannel(shape.radius, shape.cross, colours);
  return {
    radius: shape.radius, cross: shape.cross, shift: 0, directions: shape.directions,
    thresholds: Float32Array.from({ length: shape.classes - 1 }, (_, k) => k + 1 + hashUniform(-1 - k)),
    coefficients: Int8Array.from({ length: count }, (_, i) => {
      const u = hashUniform(i) - 0.5;
      return Math.max(-127, Math.min(127, Math.round(-PLACEHOLDER_SCALE * Math.sign(u) * Math.log(1 - 2 * Math.abs(u)))));
    }),
    // Bound indices spread evenly, about as compressible as picked ones.
    ...(shape.clipped === true
      ? { clips: Uint8Array.from({ length: boundCount(shape) }, (_, i) => Math.floor(hashUniform(count + i) * CLIP_BOUNDS.length)) }
      : {}),
  };
}

/**
 * Scale of the placeholder's coefficients. Fitted filters of full-size
 * photos at 0.25–1 bpp have 6.0–6.7 bits of entropy a coefficient (mean
 * |c| 16–28); with this scale the deflated file of eleven of them, the
 * placeholder in place of their filter, is within −21 … +45 bytes of the
 * real one (at most 0.2 % of the file; 7 of 11 below it). Zeros would
 * plan 400–900 bytes short, hashed noise (8 bits) 80–120 bytes over.
 */
const PLACEHOLDER_SCALE = 18;

/** A number in (0, 1) that looks random (murmur3's finalizer of `i`), the same in every run. */
function hashUniform(i: number): number {
  let h = Math.imul(i ^ (i >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (((h ^ (h >>> 16)) >>> 0) + 0.5) / 2 ** 32;
}

/**
 * The filter of `shape` that brings `field` (the decoded field at the
 * image's size) closest to `image` in squared error, its activity classes
 * split at the quantiles of activity (equal pixel counts; fewer classes if
 * they coincide, as on a flat image), each class's pixels then split by
 * direction.
 */
export function fitFilter(field: FieldImage, image: Raster, shape: FilterShape): RestorationFilter {
  const colours = colourChannels(image.channels);
  const n = tapsPerChannel(shape.radius, shape.cross, colours);
  const ownTaps = diamondTaps(shape.radius).length;
  // With clipped taps every own tap is a candidate at each bound (clippedFilterFeatures' order), and one is kept a tap.
  const bounds = shape.clipped === true ? CLIP_BOUNDS.length : 1;
  const candidates = n + ownTaps * (bounds - 1);
  const thresholds = activityThresholds(pixelActivity(field), shape.classes);
  const classes = pixelSets(field, { thresholds, directions: shape.directions });
  const count = (thresholds.length + 1) * shape.directions;
  // Normal equations per (class, channel): XᵀX (upper triangle used) and Xᵀr, r = target − field.
  const gram = Array.from({ length: count * colours }, () => new Float64Array(candidates * candidates));
  const moment = Array.from({ length: count * colours }, () => new Float64Array(candidates));
  const features = new Float64Array(candidates);
  const target = image.data16 ? (i: number) => normalizeSample16(image.data16![i]!) : (i: number) => normalizeSample(image.data[i]!);
  const featuresAt = bounds > 1 ? clippedFilterFeatures : filterFeatures;
  for (let y = 0; y < field.height; y++) {
    for (let x = 0; x < field.width; x++) {
      const pixel = y * field.width + x;
      for (let c = 0; c < colours; c++) {
        featuresAt(field, x, y, c, shape.radius, shape.cross, features);
        const at = pixel * image.channels + c;
        const residual = target(at) - field.values[at]!;
        const system = classes[pixel]! * colours + c;
        const g = gram[system]!;
        const m = moment[system]!;
        for (let i = 0; i < candidates; i++) {
          const fi = features[i]!;
          m[i]! += fi * residual;
          for (let j = i; j < candidates; j++) g[i * candidates + j]! += fi * features[j]!;
        }
      }
    }
  }
  const clips = bounds > 1 ? pickBounds(gram, moment, count, colours, ownTaps, n, bounds) : undefined;
  const systems = gram.map((g, s) => {
    const set = Math.floor(s / colours);
    return subsystem(g, moment[s]!, candidates, keptFeatures(clips?.subarray(set * ownTaps, (set + 1) * ownTaps), ownTaps, n, bounds));
  });
  const solved = systems.map(({ g, m }) => solveSymmetric(g, m, n));
  return {
    radius: shape.radius, cross: shape.cross, thresholds, ...(shape.directions > 1 ? { directions: shape.directions } : {}),
    ...quantizeCoefficients(solved, systems.map(({ g }) => g), systems.map(({ m }) => m), n),
    ...(clips === undefined ? {} : { clips }),
  };
}

/**
 * Which of a set's candidate features (`clippedFilterFeatures`' order, or `filterFeatures`' with one bound) its filter
 * reads: each own tap at its picked bound (none without `picked`), then the cross taps.
 */
function keptFeatures(picked: Uint8Array | undefined, ownTaps: number, n: number, bounds: number): number[] {
  return Array.from({ length: n }, (_, i) => (i < ownTaps ? i * bounds + (picked?.[i] ?? 0) : ownTaps * bounds + i - ownTaps));
}

/** The normal equations of the features `indices` of a system over `size` candidates (upper triangles). */
function subsystem(g: Float64Array, m: Float64Array, size: number, indices: readonly number[]): { g: Float64Array; m: Float64Array } {
  const n = indices.length;
  const sub = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const i = Math.min(indices[a]!, indices[b]!), j = Math.max(indices[a]!, indices[b]!);
      sub[a * n + b] = g[i * size + j]!;
    }
  }
  return { g: sub, m: Float64Array.from(indices, (i) => m[i]!) };
}

/**
 * Every set's bound for each own tap (spec §3.13, shared by the colour channels): greedily, a tap at a time in two
 * sweeps from none, the bound whose least-squares fit over the set's channels takes the most squared error off
 * (mᵀG⁻¹m). VVC's encoder picks its clipping the same way, one tap at a time.
 */
function pickBounds(
  gram: readonly Float64Array[], moment: readonly Float64Array[], sets: number, colours: number, ownTaps: number, n: number, bounds: number,
): Uint8Array {
  const candidates = n + ownTaps * (bounds - 1);
  const clips = new Uint8Array(sets * ownTaps);
  for (let set = 0; set < sets; set++) {
    const picked = clips.subarray(set * ownTaps, (set + 1) * ownTaps);
    const taken = (): number => {
      const indices = keptFeatures(picked, ownTaps, n, bounds);
      let sum = 0;
      for (let c = 0; c < colours; c++) {
        const { g, m } = subsystem(gram[set * colours + c]!, moment[set * colours + c]!, candidates, indices);
        const solution = solveSymmetric(g, m, n);
        for (let i = 0; i < n; i++) sum += m[i]! * solution[i]!;
      }
      return sum;
    };
    for (let sweep = 0; sweep < 2; sweep++) {
      for (let tap = 0; tap < ownTaps; tap++) {
        let best = { bound: picked[tap]!, taken: -Infinity };
        for (let bound = 0; bound < bounds; bound++) {
          picked[tap] = bound;
          const value = taken();
          if (value > best.taken) best = { bound, taken: value };
        }
        picked[tap] = best.bound;
      }
    }
  }
  return clips;
}

/**
 * Where the activity classes split, as quantiles of the pixels' activity,
 * for 2 and 4 classes (others split evenly). Measured with direction
 * classes (docs/studies.md): flat pixels need fewer classes than busy ones,
 * as the directions already set edges apart from flat areas; 2 classes split
 * at 0.7 gained kodim05 +0.01 dB and kodim20 +0.05 over the median at 0.5 bpp,
 * 4 at 1/3, 2/3 and 0.9 gained +0.004 and +0.04 over the quartiles at 1 bpp.
 */
const CLASS_QUANTILES: Readonly<Record<number, readonly number[]>> = { 2: [0.7], 4: [1 / 3, 2 / 3, 0.9] };

/**
 * Thresholds at the activity's quantiles (`CLASS_QUANTILES`, else k /
 * classes), strictly ascending (repeats dropped), each halfway between two
 * pixels' activities: a threshold equal to a pixel's activity would leave
 * that pixel's class to the last bit of another decoder's arithmetic (spec
 * §4.6).
 */
function activityThresholds(activity: Float32Array, classes: number): Float32Array {
  const sorted = Float64Array.from(activity).sort();
  if (sorted.length < 2) return new Float32Array(0);
  const quantiles = CLASS_QUANTILES[classes] ?? Array.from({ length: classes - 1 }, (_, k) => (k + 1) / classes);
  const thresholds: number[] = [];
  for (const quantile of quantiles) {
    const at = Math.min(sorted.length - 1, Math.max(1, Math.floor(quantile * sorted.length)));
    const t = Math.fround((sorted[at - 1]! + sorted[at]!) / 2);
    if (thresholds.length === 0 || t > thresholds[thresholds.length - 1]!) thresholds.push(t);
  }
  return Float32Array.from(thresholds);
}

/**
 * The coefficients on one int8 grid 2^−shift, the shift that adds the
 * least squared error: for a set's rounding error Δ, the error grows by
 * ΔᵀGΔ exactly (G = XᵀX, its normal equations). The finest grid that holds
 * the largest coefficient is not always best: a set of few pixels (a rare
 * direction in a flat class) can have large coefficients that a coarse
 * grid would force on every other set, so those are clipped instead, and
 * the rest of their set refitted around them (`quantizeSet`).
 */
function quantizeCoefficients(solved: readonly Float64Array[], gram: readonly Float64Array[], moment: readonly Float64Array[], n: number): { shift: number; coefficients: Int8Array } {
  let best = { shift: MAX_SHIFT, coefficients: new Int8Array(0), added: Infinity };
  for (let shift = 0; shift <= MAX_SHIFT; shift++) {
    const coefficients = new Int8Array(solved.length * n);
    let added = 0;
    solved.forEach((c, set) => {
      const g = gram[set]!;
      const q = quantizeSet(g, moment[set]!, c, n, shift);
      coefficients.set(q, set * n);
      const error = Float64Array.from(c, (value, i) => q[i]! / 2 ** shift - value);
      for (let i = 0; i < n; i++) {
        added += g[i * n + i]! * error[i]! * error[i]!;
        for (let j = i + 1; j < n; j++) added += 2 * g[i * n + j]! * error[i]! * error[j]!;
      }
    });
    if (best.coefficients.length === 0 || added < best.added) best = { shift, coefficients, added };
  }
  return { shift: best.shift, coefficients: best.coefficients };
}
const MAX_SHIFT = 15;

/**
 * One set's least-squares coefficients `c` on the grid 2^−shift: rounded,
 * and where one falls outside ±127, held there and the others solved
 * again with it fixed (least squares under the clip), until none is left
 * outside.
 */
function quantizeSet(g: Float64Array, m: Float64Array, c: Float64Array, n: number, shift: number): Int8Array {
  const unit = 2 ** -shift;
  const held = new Map<number, number>();
  let values = c;
  for (;;) {
    let clipped = false;
    for (let i = 0; i < n; i++) {
      if (!held.has(i) && Math.abs(values[i]! / unit) > 127.5) {
        held.set(i, Math.sign(values[i]!) * 127);
        clipped = true;
      }
    }
    if (!clipped || held.size === n) break;
    // The free coefficients' normal equations with the held ones moved to the right-hand side.
    const free = Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i));
    const at = (i: number, j: number): number => (i <= j ? g[i * n + j]! : g[j * n + i]!);
    const sub = new Float64Array(free.length * free.length);
    const rhs = new Float64Array(free.length);
    free.forEach((i, a) => {
      free.forEach((j, b) => { sub[a * free.length + b] = at(i, j); });
      rhs[a] = m[i]! - [...held].reduce((sum, [j, q]) => sum + at(i, j) * q * unit, 0);
    });
    const solvedFree = solveSymmetric(sub, rhs, free.length);
    values = Float64Array.from({ length: n }, (_, i) => (held.has(i) ? held.get(i)! * unit : solvedFree[free.indexOf(i)]!));
  }
  const q = Int8Array.from(values, (v, i) => held.get(i) ?? Math.max(-127, Math.min(127, Math.round(v / unit))));
  descendOnGrid(g, c, q, n, unit);
  return q;
}

/**
 * Improves integer coefficients q (× unit) towards the least-squares c one
 * coordinate at a time, each moved to the integer that minimizes
 * (q·unit − c)ᵀG(q·unit − c) with the others fixed, until no move helps:
 * where taps are correlated, rounding each coefficient on its own leaves
 * errors that a neighbour's move takes back (on a 96×96 blur with the
 * default shape, about a hundred single moves cut the error by up to 1 %).
 */
function descendOnGrid(g: Float64Array, c: Float64Array, q: Int8Array, n: number, unit: number): void {
  const at = (i: number, j: number): number => (i <= j ? g[i * n + j]! : g[j * n + i]!);
  const error = Float64Array.from(c, (value, i) => q[i]! * unit - value);
  for (let sweep = 0; sweep < 32; sweep++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      const gii = at(i, i);
      if (!(gii > 0)) continue;
      let slope = 0;
      for (let j = 0; j < n; j++) slope += at(i, j) * error[j]!;
      // The error along coordinate i is gii·(δ·unit)² + 2·slope·δ·unit: least at δ = −slope / (gii · unit).
      const target = Math.max(-127, Math.min(127, q[i]! + Math.round(-slope / (gii * unit))));
      if (target !== q[i]) {
        const delta = (target - q[i]!) * unit;
        if (gii * delta * delta + 2 * slope * delta >= 0) continue;
        error[i]! += delta;
        q[i] = target;
        moved = true;
      }
    }
    if (!moved) break;
  }
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
