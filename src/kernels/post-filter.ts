import { clampIndex, copyPaddedRow } from './padded-rows.js';
import { filterRgbOnWasm, filterSetsOnWasm } from './wasm/filter-kernel.js';

/**
 * The restoration filter of spec §4.6 (format x.4): a linear filter the
 * encoder fits by least squares to the decoded field and sends in the
 * header, which the decoder runs over the rendered field before rounding.
 * A quantized sine network leaves a fine grain and soft texture that a
 * filter fitted to the photo takes back in part (docs/studies.md, "A
 * restoration filter"). Shared by the decoder, the web renderers and the
 * encoder, which fits its coefficients on the same features.
 *
 * Each output sample gets a correction Σ c_k · (f(p + o_k) + f(p − o_k) − 2 f(p))
 * over symmetric pairs of taps o_k: a sum of second differences, so a flat
 * field passes unchanged and the filter's taps sum to 1. Pixels are sorted
 * into classes by the local activity of luma, and each class has its own
 * coefficients, so that smooth areas can be smoothed and texture sharpened;
 * since x.5 also by the direction of luma's variation (none, along rows,
 * along columns, either diagonal), so that an edge is smoothed along itself
 * and not across (VVC's adaptive loop filter classes pixels the same way).
 */

/** The filter as the header carries it (spec §3.10). */
export interface RestorationFilter {
  /** Diamond radius of the taps on a sample's own channel, 1–4. */
  readonly radius: number;
  /** Diamond radius of the taps on the other colour channels, 0 (none) up to `radius`. */
  readonly cross: number;
  /** Ascending activity thresholds between the classes: one fewer than the classes, at most 15. */
  readonly thresholds: Float32Array;
  /** Coefficients are integers × 2^−shift, shift 0–15. */
  readonly shift: number;
  /** Direction classes (spec §3.10 `d`, x.5): 1 (none; absent means 1) or `DIRECTIONS` (5). */
  readonly directions?: number;
  /**
   * classes × directions × colour channels × tapsPerChannel int8 values, by activity class, then
   * direction, then channel, then the order of `filterFeatures` (the header splits them: spec §3.10);
   * the encoder writes −127 … 127.
   */
  readonly coefficients: Int8Array;
  /**
   * With clipped taps (a final filter under the header key `clipped`, spec §3.13, x.11): for every set (activity
   * class, then direction) and own-channel tap, an index into `CLIP_BOUNDS`, shared by the colour channels. The
   * tap's term is then the sum of its two differences from the centre, each clamped to ±bound (§4.9); absent, the
   * plain second differences of §4.6.
   */
  readonly clips?: Uint8Array;
}

/**
 * The bounds a clipped tap's differences are clamped to (spec §4.9), in the field's units (1/127.5 is one level of
 * 8 bits): index 0 none, then 16, 8 and 4 levels. A tap that clamps treats a neighbour across an edge as no
 * further than the bound, so the filter smooths the small differences (noise) and leaves the large ones (edges)
 * alone; VVC's loop filter clips its taps the same way. Four bounds, picked per tap and set by the encoder:
 * measured on decoded photos (docs/studies.md, "Clipped taps for the final filter"), 4, 8, 16 and none beat
 * 2, 4, 8 and none by 0.005 dB and came within 0.01 of seven bounds.
 */
export const CLIP_BOUNDS: readonly number[] = [Infinity, 16 / 127.5, 8 / 127.5, 4 / 127.5];

/**
 * Direction classes of a filter with `d` (spec §4.6): 0 no clear direction,
 * 1 luma varies most along rows, 2 along columns, 3 and 4 along either
 * diagonal. Measured (docs/studies.md): +0.1 to +0.2 dB over activity
 * classes alone on photos at 1 bpp, before their bytes.
 */
export const DIRECTIONS = 5;
/** How much stronger one direction's variation must be than its perpendicular's to count (spec §4.6). */
export const DIRECTION_RATIO = 2;

/** Largest radius the format allows (spec §3.10): 4 gives 20 tap pairs a channel. */
export const MAX_FILTER_RADIUS = 4;
/** Most classes (spec §3.10). */
export const MAX_FILTER_CLASSES = 16;

/** One of each symmetric pair of offsets [dy, dx] with |dx| + |dy| ≤ radius, (dy, dx) > (0, 0) in row-major order. */
export function diamondTaps(radius: number): [number, number][] {
  const taps: [number, number][] = [];
  for (let dy = 0; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (Math.abs(dx) + dy > radius || (dy === 0 && dx <= 0)) continue;
      taps.push([dy, dx]);
    }
  }
  return taps;
}

/** The colour channels a filter corrects: 1 for gray and gray+alpha, 3 for RGB and RGBA (alpha is left as it is). */
export function colourChannels(channels: number): 1 | 3 {
  return channels >= 3 ? 3 : 1;
}

/** Coefficients per class and colour channel: the own channel's taps, then each other colour channel's cross taps. */
export function tapsPerChannel(radius: number, cross: number, colours: 1 | 3): number {
  return diamondTaps(radius).length + (colours - 1) * diamondTaps(cross).length;
}

/** Activity classes a filter has: one more than its thresholds. */
export function filterClasses(filter: Pick<RestorationFilter, 'thresholds'>): number {
  return filter.thresholds.length + 1;
}

/**
 * A filter's shape, what fixes its size in the header: its radii, activity classes and direction classes (1 without
 * `d`), and `clipped` where its taps are (spec §3.13).
 */
export function filterShapeOf(filter: RestorationFilter): { radius: number; cross: number; classes: number; directions: number; clipped?: true } {
  return { radius: filter.radius, cross: filter.cross, classes: filterClasses(filter), directions: filter.directions ?? 1, ...(filter.clips === undefined ? {} : { clipped: true as const }) };
}

/** A field at the output size, channel-interleaved, in the network's output units (spec §4.3: before the inverse normalization). */
export interface FieldImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly values: Float32Array;
}

/**
 * Output pixels per source pixel on each axis, to scale the filter's offsets
 * when a file is decoded at another size: an offset of d source pixels is
 * ⌊d × scale + 0.5⌋ output pixels (0 drops the tap), so at the source size
 * the filter is exactly what the encoder fitted.
 */
export interface FilterScale {
  readonly x: number;
  readonly y: number;
}

/** Output pixels per source pixel of a render at the image's own size: the filter's taps as written. */
export const NATIVE_SCALE: FilterScale = { x: 1, y: 1 };

/**
 * The class of every pixel (spec §4.6): its `pixelActivity` counted against
 * the thresholds (the number of thresholds at or below it).
 */
export function activityClasses(field: FieldImage, thresholds: Float32Array, scale: FilterScale = NATIVE_SCALE): Uint8Array {
  return classesOf(thresholds, thresholds.length === 0 ? new Float32Array(field.width * field.height) : pixelActivity(field, scale));
}

function classesOf(thresholds: Float32Array, activity: Float32Array): Uint8Array {
  const classes = new Uint8Array(activity.length);
  if (thresholds.length === 0) return classes;
  for (let i = 0; i < classes.length; i++) {
    let k = 0;
    while (k < thresholds.length && activity[i]! >= thresholds[k]!) k++;
    classes[i] = k;
  }
  return classes;
}

/**
 * The coefficient set of every pixel (spec §4.6): its activity class ×
 * the filter's directions + its direction class. On the WASM kernels
 * unless `kernel` is `typescript` or the runtime has none (the same sets).
 */
export function pixelSets(
  field: FieldImage, filter: Pick<RestorationFilter, 'thresholds' | 'directions'>, scale: FilterScale = NATIVE_SCALE, kernel: 'auto' | 'typescript' = 'auto',
): Uint8Array {
  const directions = filter.directions ?? 1;
  const classed = directions > 1 || filter.thresholds.length > 0;
  // The kernel takes the luma a band at a time, so a whole-image luma map is only made for the TypeScript.
  const onWasm = classed && kernel === 'auto'
    ? filterSetsOnWasm({ width: field.width, height: field.height, ...neighbourhoodSteps(scale), lumaRows: (first, end, out) => lumaRows(field, first, end, out) }, filter.thresholds, directions)
    : undefined;
  if (onWasm !== undefined) return onWasm;
  const around = classed ? neighbourhood(field, scale) : undefined;
  const sets = around === undefined || filter.thresholds.length === 0
    ? new Uint8Array(field.width * field.height) : classesOf(filter.thresholds, activityAround(around));
  if (directions === 1 || around === undefined) return sets;
  const direction = directionsAround(around);
  for (let i = 0; i < sets.length; i++) sets[i] = sets[i]! * directions + direction[i]!;
  return sets;
}

/**
 * The direction class of every pixel (spec §4.6): from the sums over the
 * activity's box of |second differences| of luma along rows (H), columns
 * (V) and the two diagonals (D1 down-right, D2 down-left); of the pairs
 * H/V and D1/D2, the one whose larger member is more times its smaller
 * decides, and it names a direction if that is over `DIRECTION_RATIO`
 * times, else 0. Products, not quotients, so that zeros need no care.
 * One pass down the rows, sliding sums along each row kept in a ring of
 * the box's rows and running sums down the columns, so that no full-size
 * map is kept but the classes (about 30 ms for a 768×512 field, where four
 * box means from prefix sums took 85–100).
 */
export function pixelDirections(field: FieldImage, scale: FilterScale = NATIVE_SCALE): Uint8Array {
  return directionsAround(neighbourhood(field, scale));
}

/**
 * What the activity and the directions read (spec §4.6): the luma, the
 * step of their differences and the half-sizes of their box, at a scale.
 */
interface Neighbourhood {
  readonly width: number;
  readonly height: number;
  readonly luma: Float32Array;
  readonly stepX: number;
  readonly stepY: number;
  readonly boxX: number;
  readonly boxY: number;
}

function neighbourhood(field: FieldImage, scale: FilterScale): Neighbourhood {
  return { width: field.width, height: field.height, luma: lumaOf(field), ...neighbourhoodSteps(scale) };
}

/** The step of the luma's differences and the half-sizes of their box at `scale` (spec §4.6). */
function neighbourhoodSteps(scale: FilterScale): Pick<Neighbourhood, 'stepX' | 'stepY' | 'boxX' | 'boxY'> {
  return {
    stepX: Math.max(1, Math.floor(scale.x + 0.5)), stepY: Math.max(1, Math.floor(scale.y + 0.5)),
    boxX: Math.floor(2 * scale.x + 0.5), boxY: Math.floor(2 * scale.y + 0.5),
  };
}

function directionsAround({ width, height, luma, stepX, stepY, boxX, boxY }: Neighbourhood): Uint8Array {
  // ring[slot] holds, for one image row, each pixel's sums over its box's columns of the four differences (interleaved).
  const slots = 2 * boxY + 2;
  const ring = Array.from({ length: slots }, () => new Float64Array(4 * width));
  const alongRows = new Float64Array(width), alongColumns = new Float64Array(width);
  const down = new Float64Array(width), up = new Float64Array(width);
  const columns = new Float64Array(4 * width);
  const rowSums = (y: number, out: Float64Array): void => {
    const row = y * width;
    const above = clampIndex(y - stepY, height) * width;
    const below = clampIndex(y + stepY, height) * width;
    for (let x = 0; x < width; x++) {
      const twice = 2 * luma[row + x]!;
      const left = x < stepX ? 0 : x - stepX;
      const right = x + stepX >= width ? width - 1 : x + stepX;
      alongRows[x] = Math.abs(twice - luma[row + left]! - luma[row + right]!);
      alongColumns[x] = Math.abs(twice - luma[above + x]! - luma[below + x]!);
      down[x] = Math.abs(twice - luma[above + left]! - luma[below + right]!);
      up[x] = Math.abs(twice - luma[above + right]! - luma[below + left]!);
    }
    // The box along the row as a sliding sum: add the column entering on the right, drop the one leaving on the left.
    let h = 0, v = 0, d1 = 0, d2 = 0;
    for (let x = 0; x < Math.min(boxX, width); x++) {
      h += alongRows[x]!; v += alongColumns[x]!; d1 += down[x]!; d2 += up[x]!;
    }
    for (let x = 0; x < width; x++) {
      const entering = x + boxX;
      if (entering < width) {
        h += alongRows[entering]!; v += alongColumns[entering]!; d1 += down[entering]!; d2 += up[entering]!;
      }
      const leaving = x - boxX - 1;
      if (leaving >= 0) {
        h -= alongRows[leaving]!; v -= alongColumns[leaving]!; d1 -= down[leaving]!; d2 -= up[leaving]!;
      }
      out[4 * x] = h; out[4 * x + 1] = v; out[4 * x + 2] = d1; out[4 * x + 3] = d2;
    }
  };
  const add = (slot: Float64Array, sign: number): void => {
    for (let i = 0; i < columns.length; i++) columns[i]! += sign * slot[i]!;
  };
  for (let y = 0; y < Math.min(height, boxY); y++) {
    rowSums(y, ring[y % slots]!);
    add(ring[y % slots]!, 1);
  }
  const directions = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const entering = y + boxY;
    if (entering < height) {
      rowSums(entering, ring[entering % slots]!);
      add(ring[entering % slots]!, 1);
    }
    const leaving = y - boxY - 1;
    if (leaving >= 0) add(ring[leaving % slots]!, -1);
    for (let x = 0; x < width; x++) {
      const h = columns[4 * x]!, v = columns[4 * x + 1]!, d1 = columns[4 * x + 2]!, d2 = columns[4 * x + 3]!;
      const strongHv = h > v ? h : v, weakHv = h > v ? v : h;
      const strongD = d1 > d2 ? d1 : d2, weakD = d1 > d2 ? d2 : d1;
      directions[y * width + x] = strongHv * weakD >= strongD * weakHv
        ? (strongHv > DIRECTION_RATIO * weakHv ? (h > v ? 1 : 2) : 0)
        : (strongD > DIRECTION_RATIO * weakD ? (d1 > d2 ? 3 : 4) : 0);
    }
  }
  return directions;
}

/**
 * The activity of every pixel (spec §4.6): the mean over a (2b + 1)² box
 * (b = ⌊2 × scale + 0.5⌋, clipped at the edges) of |4L(p) − L(p ± dx) − L(p ± dy)|,
 * L the luma of the colour channels, d = max(1, ⌊scale + 0.5⌋). The encoder
 * picks its thresholds from these.
 */
export function pixelActivity(field: FieldImage, scale: FilterScale = NATIVE_SCALE): Float32Array {
  return activityAround(neighbourhood(field, scale));
}

function activityAround({ width, height, luma, stepX, stepY, boxX, boxY }: Neighbourhood): Float32Array {
  const laplacian = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const up = clampIndex(y - stepY, height) * width;
    const down = clampIndex(y + stepY, height) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = clampIndex(x - stepX, width);
      const right = clampIndex(x + stepX, width);
      laplacian[row + x] = Math.abs(4 * luma[row + x]! - luma[row + left]! - luma[row + right]! - luma[up + x]! - luma[down + x]!);
    }
  }
  return boxMean(laplacian, width, height, boxX, boxY);
}

/**
 * The feature vector of the correction at pixel (x, y) for colour channel
 * `channel` (spec §4.6): second differences f(p + o) + f(p − o) − 2 f(p)
 * over the own channel's diamond taps, then each other colour channel's cross taps.
 * Written to `out` (length `tapsPerChannel`). The encoder's least squares
 * reads these; the decoder's `applyRestorationFilter` sums the same terms
 * (test/restoration-filter.test.ts holds the two together).
 */
export function filterFeatures(
  field: FieldImage, x: number, y: number, channel: number, radius: number, cross: number, out: Float64Array, scale: FilterScale = NATIVE_SCALE,
): void {
  const colours = colourChannels(field.channels);
  let k = secondDifferences(field, x, y, channel, radius, out, 0, scale);
  for (let other = 0; other < colours; other++) {
    if (other !== channel) k = secondDifferences(field, x, y, other, cross, out, k, scale);
  }
}

/**
 * `filterFeatures` for a filter with clipped taps (spec §4.9): each own tap's term at every bound of `CLIP_BOUNDS`
 * (tap m's at out[m · CLIP_BOUNDS.length + k]), then the cross taps' second differences. The encoder fits on all of
 * them and keeps one bound a tap.
 */
export function clippedFilterFeatures(
  field: FieldImage, x: number, y: number, channel: number, radius: number, cross: number, out: Float64Array, scale: FilterScale = NATIVE_SCALE,
): void {
  const { width, height, channels, values } = field;
  const centre = values[(y * width + x) * channels + channel]!;
  let k = 0;
  for (const [oy, ox] of scaledTaps(radius, scale)) {
    const up = values[(clampIndex(y + oy, height) * width + clampIndex(x + ox, width)) * channels + channel]! - centre;
    const down = values[(clampIndex(y - oy, height) * width + clampIndex(x - ox, width)) * channels + channel]! - centre;
    for (const bound of CLIP_BOUNDS) out[k++] = clip(up, bound) + clip(down, bound);
  }
  for (let other = 0; other < colourChannels(channels); other++) {
    if (other !== channel) k = secondDifferences(field, x, y, other, cross, out, k, scale);
  }
}

/**
 * Runs the filter over `field` and returns the corrected values (the input
 * is not changed); alpha passes through. The same sums as `filterFeatures`
 * dotted with the class's coefficients, read from a copy of the field
 * widened by its edge pixels (spec §4.6's clamping), so that one loop with
 * the taps' index offsets computed once does every pixel. RGB goes to the
 * WASM kernel (wasm/filter-kernel.ts) unless `kernel` is `typescript` or
 * the runtime has none; both give the same bits.
 */
export function applyRestorationFilter(
  field: FieldImage, filter: RestorationFilter, scale: FilterScale = NATIVE_SCALE, kernel: 'auto' | 'typescript' = 'auto',
): Float32Array {
  const out = new Float32Array(field.values.length);
  filterRows(field, filter, scale, 0, field.height, out, kernel);
  return out;
}

/**
 * Rows of the field beyond a band of rows that the band's filtered samples
 * read, above and below it: the taps' reach, or the classes' (a box of
 * the luma's differences, spec §4.6), whichever is further.
 */
export function filterContextRows(filter: Pick<RestorationFilter, 'radius' | 'cross'>, scale: FilterScale = NATIVE_SCALE): number {
  return Math.max(tapReach(filter, scale).y, classReachRows(scale));
}

/** Rows above and below a pixel that its class reads: the luma's step and the box of its differences. */
function classReachRows(scale: FilterScale): number {
  const { stepY, boxY } = neighbourhoodSteps(scale);
  return stepY + boxY;
}

/** How far the taps reach at `scale`, in output pixels along each axis. */
function tapReach(filter: Pick<RestorationFilter, 'radius' | 'cross'>, scale: FilterScale): { x: number; y: number } {
  const taps = [...scaledTaps(filter.radius, scale), ...scaledTaps(filter.cross, scale)];
  return { x: Math.max(0, ...taps.map(([, ox]) => Math.abs(ox))), y: Math.max(0, ...taps.map(([oy]) => Math.abs(oy))) };
}

/**
 * Rows [first, end) of `applyRestorationFilter(field, …)`, written to `out`
 * (row `first` at 0). They read only `filterContextRows` rows of the field
 * around them, so threads can share a field's rows, each sent only its own
 * and those; and `out` may be those rows of `field.values` themselves (the
 * rows are read before they are written): a decode filters in place,
 * without a second field's memory, which is slow to touch the first time
 * (docs/engine.md).
 */
export function filterRows(
  field: FieldImage, filter: RestorationFilter, scale: FilterScale, first: number, end: number, out: Float32Array, kernel: 'auto' | 'typescript' = 'auto',
): void {
  const { width, height, channels, values } = field;
  const rowSamples = width * channels;
  if (!(Number.isInteger(first) && Number.isInteger(end) && first >= 0 && first <= end && end <= height) || out.length !== (end - first) * rowSamples) {
    throw new RangeError(`Expected rows 0 ≤ first ≤ end ≤ ${height} and ${(end - first) * rowSamples} samples to write but received ${first}, ${end} and ${out.length}`);
  }
  if (first === end) return;
  const colours = colourChannels(channels);
  const n = tapsPerChannel(filter.radius, filter.cross, colours);
  // The classes of rows [first, end) from those rows and the rows their boxes reach (each class reads no further).
  const classReach = classReachRows(scale);
  const top = Math.max(0, first - classReach);
  const bottom = Math.min(height, end + classReach);
  const around = top === 0 && bottom === height ? field : { ...field, height: bottom - top, values: values.subarray(top * rowSamples, bottom * rowSamples) };
  const classes = pixelSets(around, filter, scale, kernel).subarray((first - top) * width, (end - top) * width);
  const unit = 2 ** -filter.shift;
  const coefficients = Float64Array.from(filter.coefficients, (c) => c * unit);
  const own = scaledTaps(filter.radius, scale);
  const cross = scaledTaps(filter.cross, scale);
  const bounds = filter.clips === undefined ? undefined : Float64Array.from(filter.clips, (k) => CLIP_BOUNDS[k]!);
  const { x: reachX, y: reachY } = tapReach(filter, scale);
  if (colours === 3 && kernel === 'auto') {
    const pass = { values, out, sets: classes, coefficients, bounds, own, cross, width, height, channels, reachX, reachY, n, first, end };
    if (filterRgbOnWasm(pass)) return;
  }
  // Rows [first − reachY, end + reachY), clamped to the image, widened: every tap of every pixel inside.
  const paddedWidth = width + 2 * reachX;
  const paddedRows = end - first + 2 * reachY;
  const padded = new Float32Array(paddedRows * paddedWidth * channels);
  for (let r = 0; r < paddedRows; r++) {
    copyPaddedRow(padded, r * paddedWidth * channels, values, clampIndex(first + r - reachY, height), width, channels, reachX);
  }
  // Index offsets of the taps from a sample to the same channel's sample at the tap, in the widened rows.
  const strides = (taps: [number, number][]): Int32Array => Int32Array.from(taps, ([oy, ox]) => (oy * paddedWidth + ox) * channels);
  const ownStrides = strides(own);
  const crossStrides = strides(cross);
  // Alpha passes through (in place, the copy is of the rows onto themselves).
  out.set(values.subarray(first * rowSamples, end * rowSamples));
  for (let y = 0; y < end - first; y++) {
    for (let x = 0; x < width; x++) {
      const pixel = y * width + x;
      const at = ((y + reachY) * paddedWidth + x + reachX) * channels;
      const set = classes[pixel]!;
      const base = set * colours * n;
      if (bounds !== undefined) correctClipped(padded, out, at, pixel * channels, colours, ownStrides, crossStrides, coefficients, base, n, bounds, set * ownStrides.length);
      else if (colours === 3) correctRgb(padded, out, at, pixel * channels, ownStrides, crossStrides, coefficients, base, n);
      else correctGray(padded, out, at, pixel * channels, ownStrides, coefficients, base);
    }
  }
}

/**
 * The correction of the three colour samples at `at` of `values` (whose
 * taps all lie inside it), written to `to` of `out`: the decode's hot loop,
 * one pass over the taps for the three channels (each tap's second
 * differences serve all three), small so that V8 optimizes it early.
 * Coefficients as in spec §3.10: per channel, its own taps, then the cross
 * taps of the other two in ascending order. assembly/kernels.ts `filterRgb`
 * does the same operations in the same order.
 */
function correctRgb(
  values: Float32Array, out: Float32Array, at: number, to: number, own: Int32Array, cross: Int32Array, coefficients: Float64Array, base: number, n: number,
): void {
  const v0 = values[at]!, v1 = values[at + 1]!, v2 = values[at + 2]!;
  const b0 = base, b1 = base + n, b2 = base + 2 * n;
  let s0 = 0, s1 = 0, s2 = 0;
  for (let m = 0; m < own.length; m++) {
    const r = own[m]!;
    s0 += coefficients[b0 + m]! * (values[at + r]! + values[at - r]! - 2 * v0);
    s1 += coefficients[b1 + m]! * (values[at + 1 + r]! + values[at + 1 - r]! - 2 * v1);
    s2 += coefficients[b2 + m]! * (values[at + 2 + r]! + values[at + 2 - r]! - 2 * v2);
  }
  finishRgb(values, out, at, to, own.length, cross, coefficients, base, n, s0, s1, s2);
}

/**
 * The rest of `correctRgb` (and of `correctClipped` for RGB) once the own taps' sums s0–s2 are in: the cross taps'
 * terms added in the order of spec §3.10, and the three samples written. Small, so that V8 inlines it.
 */
function finishRgb(
  values: Float32Array, out: Float32Array, at: number, to: number, first: number, cross: Int32Array, coefficients: Float64Array, base: number, n: number,
  s0: number, s1: number, s2: number,
): void {
  const v0 = values[at]!, v1 = values[at + 1]!, v2 = values[at + 2]!;
  const b0 = base, b1 = base + n, b2 = base + 2 * n;
  const second = first + cross.length;
  for (let m = 0; m < cross.length; m++) {
    const r = cross[m]!;
    const d0 = values[at + r]! + values[at - r]! - 2 * v0;
    const d1 = values[at + 1 + r]! + values[at + 1 - r]! - 2 * v1;
    const d2 = values[at + 2 + r]! + values[at + 2 - r]! - 2 * v2;
    s0 += coefficients[b0 + first + m]! * d1 + coefficients[b0 + second + m]! * d2;
    s1 += coefficients[b1 + first + m]! * d0 + coefficients[b1 + second + m]! * d2;
    s2 += coefficients[b2 + first + m]! * d0 + coefficients[b2 + second + m]! * d1;
  }
  out[to] = v0 + s0;
  out[to + 1] = v1 + s1;
  out[to + 2] = v2 + s2;
}

/**
 * `correctRgb` and `correctGray` for a filter with clipped taps (spec §4.9): each own tap's two differences from
 * the centre clamped to the set's bound for that tap (from `bounds[boundsAt]`) and then summed; the cross taps as in
 * `correctRgb`, in the same order. A loop of its own so that files without clips keep the plain second
 * differences, bit for bit; assembly/kernels.ts `filterRgb` does the same operations in the same order for RGB.
 */
function correctClipped(
  values: Float32Array, out: Float32Array, at: number, to: number, colours: 1 | 3, own: Int32Array, cross: Int32Array,
  coefficients: Float64Array, base: number, n: number, bounds: Float64Array, boundsAt: number,
): void {
  const sums = clippedSums;
  for (let c = 0; c < colours; c++) {
    const v = values[at + c]!;
    const b = base + c * n;
    let s = 0;
    for (let m = 0; m < own.length; m++) {
      const r = own[m]!;
      const bound = bounds[boundsAt + m]!;
      s += coefficients[b + m]! * (clip(values[at + c + r]! - v, bound) + clip(values[at + c - r]! - v, bound));
    }
    sums[c] = s;
  }
  if (colours === 1) out[to] = values[at]! + sums[0]!;
  else finishRgb(values, out, at, to, own.length, cross, coefficients, base, n, sums[0]!, sums[1]!, sums[2]!);
}
const clippedSums = new Float64Array(3);

/** `d` clamped to ±bound (+∞: unchanged); assembly/kernels.ts `clippedPair` compares the same way, two at a time. */
function clip(d: number, bound: number): number {
  return d > bound ? bound : d < -bound ? -bound : d;
}

/** `correctRgb` for one colour channel (gray, gray + alpha). */
function correctGray(values: Float32Array, out: Float32Array, at: number, to: number, own: Int32Array, coefficients: Float64Array, base: number): void {
  const v = values[at]!;
  let s = 0;
  for (let m = 0; m < own.length; m++) s += coefficients[base + m]! * (values[at + own[m]!]! + values[at - own[m]!]! - 2 * v);
  out[to] = v + s;
}

/** Second differences of one channel over the diamond taps of `radius`, written from out[k]; returns the next k. */
function secondDifferences(field: FieldImage, x: number, y: number, channel: number, radius: number, out: Float64Array, k: number, scale: FilterScale): number {
  if (radius === 0) return k;
  const { width, height, channels, values } = field;
  const centre = values[(y * width + x) * channels + channel]!;
  for (const [oy, ox] of scaledTaps(radius, scale)) {
    const a = values[(clampIndex(y + oy, height) * width + clampIndex(x + ox, width)) * channels + channel]!;
    const b = values[(clampIndex(y - oy, height) * width + clampIndex(x - ox, width)) * channels + channel]!;
    out[k++] = a + b - 2 * centre;
  }
  return k;
}

/**
 * The taps of `radius` as output-pixel offsets [oy, ox] at `scale` (spec §4.6:
 * ⌊d × scale + 0.5⌋). The fit asks for them per pixel and channel, so the
 * last scale's are kept per radius, looked up without building a key.
 */
function scaledTaps(radius: number, scale: FilterScale): [number, number][] {
  const kept = scaledTapCache[radius];
  if (kept !== undefined && kept.x === scale.x && kept.y === scale.y) return kept.taps;
  const taps = diamondTaps(radius).map(([dy, dx]): [number, number] => [Math.floor(dy * scale.y + 0.5), Math.floor(dx * scale.x + 0.5)]);
  scaledTapCache[radius] = { x: scale.x, y: scale.y, taps };
  return taps;
}
const scaledTapCache: ({ x: number; y: number; taps: [number, number][] } | undefined)[] = [];

/** Luma of the colour channels (BT.601 weights for RGB; the channel itself for gray). */
function lumaOf(field: FieldImage): Float32Array {
  const luma = new Float32Array(field.width * field.height);
  lumaRows(field, 0, field.height, luma);
  return luma;
}

/** `lumaOf`'s rows [first, end), written to `out` from 0. */
function lumaRows(field: FieldImage, first: number, end: number, out: Float32Array): void {
  const { width, channels, values } = field;
  const rgb = colourChannels(channels) === 3;
  const count = (end - first) * width;
  for (let i = 0; i < count; i++) {
    const at = (first * width + i) * channels;
    out[i] = rgb ? 0.299 * values[at]! + 0.587 * values[at + 1]! + 0.114 * values[at + 2]! : values[at]!;
  }
}

/**
 * Mean over a (2bx + 1) × (2by + 1) box around each pixel, clipped at the
 * edges: sums along rows, then columns, from float64 prefix sums (one row or
 * column at a time); the maps are float32, 4 bytes a pixel each, since a
 * decode can be 2^26 pixels.
 */
function boxMean(input: Float32Array, width: number, height: number, bx: number, by: number): Float32Array {
  const rows = new Float32Array(input.length);
  const prefix = new Float64Array(Math.max(width, height) + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) prefix[x + 1] = prefix[x]! + input[row + x]!;
    for (let x = 0; x < width; x++) rows[row + x] = prefix[Math.min(width, x + bx + 1)]! - prefix[Math.max(0, x - bx)]!;
  }
  const out = new Float32Array(input.length);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) prefix[y + 1] = prefix[y]! + rows[y * width + x]!;
    const columns = Math.min(width, x + bx + 1) - Math.max(0, x - bx);
    for (let y = 0; y < height; y++) {
      const top = Math.max(0, y - by);
      const bottom = Math.min(height, y + by + 1);
      out[y * width + x] = (prefix[bottom]! - prefix[top]!) / (columns * (bottom - top));
    }
  }
  return out;
}

