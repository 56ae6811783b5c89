/**
 * The header key `filter` (spec §3.10, format x.4): the restoration filter
 * an image decodes through (spec §4.6), stored as
 *
 *   filter: { r: radius 1–4, x: cross radius 0–r, s: shift 0–15,
 *             t: bin, the class thresholds as float32 little-endian (0–15 of them, ascending),
 *             c: bin, the coefficients as int8, classes × colour channels × taps,
 *             d: 5 direction classes (x.5; absent: 1),
 *             e: bin, with d, the coefficients of directions 1–4, classes × 4 × colour channels × taps }
 *
 * `c` holds direction 0's coefficients, so that a reader before x.5 (which
 * ignores `d` and `e`) still gets a filter of the size it expects, and
 * applies direction 0's everywhere: a valid image, a little further off.
 * One-letter keys, like a network entry's: the map is in every filtered file.
 */
import {
  CLIP_BOUNDS, colourChannels, diamondTaps, DIRECTIONS, filterClasses, MAX_FILTER_CLASSES, MAX_FILTER_RADIUS, tapsPerChannel, type RestorationFilter,
} from '../kernels/post-filter.js';
import { IMAGE_LAYOUTS, type ImageLayout } from './constants.js';
import { fail } from './errors.js';
import { bad, int, map } from './header-fields.js';
import type { HeaderValue, WritableValue } from './msgpack.js';

/** Most coefficient shift (spec §3.10): steps down to 2^−15. */
export const MAX_FILTER_SHIFT = 15;

/** The header keys that hold a filter map: the restoration filter (§3.10), the final filter (§3.12) and the final filter with clipped taps (§3.13). */
export type FilterKey = 'filter' | 'final' | 'clipped';

/**
 * Checks a header's `filter` (spec §3.10) for an image of `layout`, or its `final` filter (§3.12, the same map),
 * or its `clipped` final filter (§3.13: the same map and `k`, the taps' bounds), with `key` naming it in the errors.
 * @throws SnfFormatError `BAD_HEADER`.
 */
export function validateFilter(value: HeaderValue, layout: ImageLayout, key: FilterKey = 'filter'): RestorationFilter {
  const filter = validateLinearFilter(value, layout, key);
  if (key !== 'clipped') return filter;
  // §3.13: one bound index a set (activity class, then direction) and own tap, shared by the colour channels.
  const k = map(value, key).k;
  const count = filterClasses(filter) * (filter.directions ?? 1) * diamondTaps(filter.radius).length;
  if (!(k instanceof Uint8Array) || k.length !== count) bad(`${key}.k`, `binary data of ${count} bytes (classes × directions × own taps)`, k);
  const at = k.findIndex((index) => index >= CLIP_BOUNDS.length);
  if (at >= 0) bad(`${key}.k[${at}]`, `a bound index 0 … ${CLIP_BOUNDS.length - 1}`, k[at]);
  return { ...filter, clips: k.slice() };
}

function validateLinearFilter(value: HeaderValue, layout: ImageLayout, key: FilterKey): RestorationFilter {
  const f = map(value, key);
  const radius = int(f.r, `${key}.r`, 1, MAX_FILTER_RADIUS);
  const cross = int(f.x, `${key}.x`, 0, radius);
  const shift = int(f.s, `${key}.s`, 0, MAX_FILTER_SHIFT);
  if (!(f.t instanceof Uint8Array) || f.t.length % 4 !== 0 || f.t.length > 4 * (MAX_FILTER_CLASSES - 1)) {
    bad(`${key}.t`, `binary data of 4 × (classes − 1) bytes, at most ${4 * (MAX_FILTER_CLASSES - 1)}`, f.t);
  }
  const thresholds = new Float32Array(f.t.length / 4);
  const view = new DataView(f.t.buffer, f.t.byteOffset, f.t.byteLength);
  for (let k = 0; k < thresholds.length; k++) {
    const t = view.getFloat32(4 * k, true);
    if (!Number.isFinite(t) || (k > 0 && !(t > thresholds[k - 1]!))) bad(`${key}.t[${k}]`, 'finite thresholds in ascending order', t);
    thresholds[k] = t;
  }
  const colours = colourChannels(IMAGE_LAYOUTS[layout]);
  const set = colours * tapsPerChannel(radius, cross, colours);
  const classes = filterClasses({ thresholds });
  if (!(f.c instanceof Uint8Array) || f.c.length !== classes * set) bad(`${key}.c`, `binary data of ${classes * set} bytes (classes × colour channels × taps)`, f.c);
  if (f.d === undefined) {
    if (f.e !== undefined) bad(`${key}.e`, `absent without ${key}.d`, '(binary data)');
    return { radius, cross, shift, thresholds, coefficients: new Int8Array(f.c.buffer.slice(f.c.byteOffset, f.c.byteOffset + f.c.byteLength)) };
  }
  if (f.d !== DIRECTIONS) bad(`${key}.d`, `${DIRECTIONS}`, f.d);
  const others = classes * (DIRECTIONS - 1) * set;
  if (!(f.e instanceof Uint8Array) || f.e.length !== others) bad(`${key}.e`, `binary data of ${others} bytes (classes × ${DIRECTIONS - 1} directions × colour channels × taps)`, f.e);
  // In memory by class, then direction: each class's direction 0 from `c`, then its other directions from `e`.
  const coefficients = new Int8Array(classes * DIRECTIONS * set);
  for (let k = 0; k < classes; k++) {
    coefficients.set(new Int8Array(f.c.buffer, f.c.byteOffset + k * set, set), k * DIRECTIONS * set);
    coefficients.set(new Int8Array(f.e.buffer, f.e.byteOffset + k * (DIRECTIONS - 1) * set, (DIRECTIONS - 1) * set), (k * DIRECTIONS + 1) * set);
  }
  return { radius, cross, shift, thresholds, directions: DIRECTIONS, coefficients };
}

/**
 * The `filter` (or `final`, or `clipped`) map as writers emit it, after the same checks a reader makes.
 * @throws SnfFormatError `INVALID_ARGUMENT` for a filter a reader would refuse.
 */
export function filterValue(filter: RestorationFilter, layout: ImageLayout, key: FilterKey = 'filter'): WritableValue {
  if (!(filter.coefficients instanceof Int8Array) || !(filter.thresholds instanceof Float32Array)) {
    fail('INVALID_ARGUMENT', `cannot write .snf: the header's ${key} needs its coefficients as an Int8Array and its thresholds as a Float32Array`);
  }
  if ((filter.clips !== undefined) !== (key === 'clipped')) {
    fail('INVALID_ARGUMENT', `cannot write .snf: ${key === 'clipped' ? 'the header\'s clipped filter needs its clips' : `clipped taps are a final filter's, under the key clipped, not ${key}`} (spec §3.13)`);
  }
  const thresholds = new Uint8Array(4 * filter.thresholds.length);
  const view = new DataView(thresholds.buffer);
  filter.thresholds.forEach((t, k) => view.setFloat32(4 * k, t, true));
  const bytes = new Uint8Array(filter.coefficients.buffer, filter.coefficients.byteOffset, filter.coefficients.byteLength);
  const directions = filter.directions ?? 1;
  const value: { [key: string]: HeaderValue } = { r: filter.radius, x: filter.cross, s: filter.shift, t: thresholds };
  if (directions === 1) {
    value.c = bytes;
  } else {
    // Direction 0 of every class in `c`, the others in `e` (validateFilter's layout, inverted).
    const classes = filter.thresholds.length + 1;
    const set = bytes.length / (classes * directions);
    if (!Number.isInteger(set)) fail('INVALID_ARGUMENT', `cannot write .snf: the header's ${key} has ${bytes.length} coefficients, not a multiple of ${classes} classes × ${directions} directions`);
    const first = new Uint8Array(classes * set);
    const rest = new Uint8Array(classes * (directions - 1) * set);
    for (let k = 0; k < classes; k++) {
      first.set(bytes.subarray(k * directions * set, (k * directions + 1) * set), k * set);
      rest.set(bytes.subarray((k * directions + 1) * set, (k + 1) * directions * set), k * (directions - 1) * set);
    }
    Object.assign(value, { c: first, d: directions, e: rest });
  }
  if (filter.clips !== undefined) value.k = filter.clips;
  try {
    validateFilter(value, layout, key);
  } catch (error) {
    fail('INVALID_ARGUMENT', `cannot write .snf: the header's ${key} is not valid (${(error as Error).message.replace(/^bad header: /, '')})`);
  }
  return value;
}
