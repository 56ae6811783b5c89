/**
 * The header key `res` (spec §3.11, format x.6): the DCT residual an image
 * adds to its rendered field (spec §4.7, kernels/residual.ts), stored as
 *
 *   res: { k: luma coefficients a block 1–64, j: chroma coefficients 0–64,
 *          s: luma step, u: chroma step (1–65535, in 1/16 of a level),
 *          g: how the step grows with frequency, 0–1023 (x.7, absent: 0),
 *          a, e: σ₀ 1–255 and exponent 1–16 of steps that grow with the
 *                field's activity (x.8, both or neither; absent: none),
 *          b: bin, the coefficients coded by the range coder of §6 }
 *
 * In the header rather than the payload, so that a reader before x.6, which
 * ignores the key, still renders the networks: a valid image, a little
 * further off, as with the filter.
 */
import {
  MAX_ADAPTIVE_EXPONENT, MAX_ADAPTIVE_SIGMA, MAX_RESIDUAL_COEFFICIENTS, MAX_RESIDUAL_GRADIENT, residualPlanes, residualValueCount, type ImageResidual, type ResidualPlane,
} from '../kernels/residual.js';
import { colourChannels } from '../kernels/post-filter.js';
import { DEFAULT_LIMITS, IMAGE_LAYOUTS, type ImageLayout } from './constants.js';
import { fail } from './errors.js';
import { bad, int, map } from './header-fields.js';
import type { HeaderValue, WritableValue } from './msgpack.js';
import { checkStreamEnd, contextCount, decodeValue, encodeValue, RangeDecoder, RangeEncoder } from './range-coder.js';
import { wasmStreams } from '../kernels/wasm/stream-kernels.js';

/** Largest step (spec §3.11): 4,096 levels. */
export const MAX_RESIDUAL_STEP = 65_535;
/** Bit depth of the coefficients' model (§6.5): |q| ≤ 32,767. */
const RESIDUAL_BITS = 16;
const MAX_CLASS = RESIDUAL_BITS - 2;
/** Most values a residual may hold (spec §8): 64 coefficients a pixel of a 2^26-pixel image and its chroma, twice over. */
export const MAX_RESIDUAL_VALUES = DEFAULT_LIMITS.maxResidualValues;

/** Zigzag positions 0, 1–2, 3–5, 6–9, 10–14 and 15–63 share a model (spec §3.11); the encoder's rate model follows them. */
export function positionGroup(c: number): number {
  return c < 1 ? 0 : c < 3 ? 1 : c < 6 ? 2 : c < 10 ? 3 : c < 15 ? 4 : 5;
}
export const POSITION_GROUPS = 6;
const MODEL_CONTEXTS = contextCount(RESIDUAL_BITS);

/** Models of the coefficients: 2 kinds × POSITION_GROUPS × 3 neighbour counts. */
const VALUE_MODELS = 2 * POSITION_GROUPS * 3;
/** After them, one context each (2 kinds × 3 neighbour counts) for whether a block has any nonzero coefficient… */
const OCCUPIED_CONTEXT = VALUE_MODELS * MODEL_CONTEXTS;
/** …and one each (2 kinds × POSITION_GROUPS) for whether a nonzero coefficient is its block's last. */
const LAST_CONTEXT = OCCUPIED_CONTEXT + 2 * 3;
const CONTEXTS = LAST_CONTEXT + 2 * POSITION_GROUPS;
const LAST_COEFFICIENT_MISSING = 'the residual\'s stream leaves a block without its last nonzero coefficient';

/**
 * Codes (`enc`) or decodes (`dec`, filling `values`) the planes in stream
 * order (spec §3.11): for each block a bit, whether any of its coefficients
 * is nonzero, in a context by luma or chroma and by how many of the blocks
 * above and to the left have any; then, for a block that has, its
 * coefficients, each with a model by luma or chroma, the position's group,
 * and how many of the same coefficient of those two blocks are nonzero
 * (0–2). A coarse residual leaves many blocks empty, and their bit is
 * cheaper than their zeros one by one and quicker to decode. One loop for
 * both directions, so that writer and reader cannot disagree on a model.
 */
function codeValues(planes: readonly ResidualPlane[], values: Int16Array, coder: { enc: RangeEncoder } | { dec: RangeDecoder }): void {
  const counts = new Uint16Array(2 * CONTEXTS); // two counts a context (§6.2)
  const enc = 'enc' in coder ? coder.enc : undefined;
  const dec = 'dec' in coder ? coder.dec : undefined;
  for (const plane of planes) {
    const n = plane.coefficients;
    const row = plane.blocksX * n;
    const kind = plane.factor === 1 ? 0 : 1;
    const occupied = new Uint8Array(plane.blocksX * plane.blocksY);
    for (let by = 0, block = 0, first = plane.offset; by < plane.blocksY; by++) {
      for (let bx = 0; bx < plane.blocksX; bx++, block++, first += n) {
        const nearBlocks = (by > 0 ? occupied[block - plane.blocksX]! : 0) + (bx > 0 ? occupied[block - 1]! : 0);
        const context = OCCUPIED_CONTEXT + kind * 3 + nearBlocks;
        let any = 0;
        if (dec !== undefined) {
          any = dec.decodeBit(counts, context);
        } else {
          for (let c = 0; c < n && any === 0; c++) if (values[first + c] !== 0) any = 1;
          enc!.encodeBit(counts, context, any);
        }
        occupied[block] = any;
        if (any === 0) continue;
        codeBlock(values, first, n, by > 0 ? row : 0, bx > 0 ? n : 0, kind, counts, enc, dec);
      }
    }
  }
}

/**
 * One occupied block's coefficients (spec §3.11): each with its model, and
 * after each nonzero one but at the final position the bit "was it the
 * last"; `above` and `left` are the offsets of the neighbours' same
 * coefficient (0: no such block). A function of its own, small and called
 * once a block, so that V8 optimizes it early in a decode that runs once.
 */
function codeBlock(
  values: Int16Array, first: number, n: number, above: number, left: number, kind: number, counts: Uint16Array,
  enc: RangeEncoder | undefined, dec: RangeDecoder | undefined,
): void {
  // The encoder's last nonzero coefficient; the decoder learns where it is from the flags.
  let last = n - 1;
  if (enc !== undefined) while (values[first + last] === 0) last--;
  let ended = false;
  for (let c = 0; c < n && !ended; c++) {
    const index = first + c;
    const near = (above > 0 && values[index - above] !== 0 ? 1 : 0) + (left > 0 && values[index - left] !== 0 ? 1 : 0);
    const group = positionGroup(c);
    const base = ((kind * POSITION_GROUPS + group) * 3 + near) * MODEL_CONTEXTS;
    // Class 14 at most (§6.5): every value decoded is within ±32,767.
    if (dec !== undefined) values[index] = decodeValue(dec, counts, base, MAX_CLASS);
    else encodeValue(enc!, counts, base, MAX_CLASS, values[index]!);
    if (values[index] === 0 || c === n - 1) continue;
    // After each nonzero coefficient but one at the block's final position: was it the last? Zeros after it are not coded.
    const context = LAST_CONTEXT + kind * POSITION_GROUPS + group;
    if (dec !== undefined) {
      ended = dec.decodeBit(counts, context) === 1;
    } else {
      ended = c === last;
      enc!.encodeBit(counts, context, ended ? 1 : 0);
    }
  }
  // §6.6: a writer marks a block only if it has a nonzero coefficient, and flags its last one.
  if (!ended && values[first + n - 1] === 0) fail('BAD_STREAM', LAST_COEFFICIENT_MISSING);
}

/** The coded stream of a residual's values (spec §3.11). */
export function encodeResidualValues(planes: readonly ResidualPlane[], values: Int16Array): Uint8Array {
  const enc = new RangeEncoder();
  codeValues(planes, values, { enc });
  return enc.finish();
}

function decodeResidualValues(planes: readonly ResidualPlane[], stream: Uint8Array): Int16Array {
  const wasm = wasmStreams();
  if (wasm !== undefined) {
    wasm.begin(stream);
    const decoded = wasm.residual(planes, residualValueCount(planes), CONTEXTS);
    if (decoded === undefined) fail('BAD_STREAM', LAST_COEFFICIENT_MISSING);
    checkStreamEnd(stream, wasm.end());
    return decoded;
  }
  const values = new Int16Array(residualValueCount(planes));
  const dec = new RangeDecoder(stream);
  codeValues(planes, values, { dec });
  dec.finish();
  return values;
}

/**
 * Checks a header's `res` (spec §3.11) for a `width` × `height` image of
 * `layout` and decodes its coefficients.
 * @throws SnfFormatError `BAD_HEADER`, `BAD_STREAM`, or `LIMIT_EXCEEDED` for more than `maxValues` values (the
 * caller's limit maxResidualValues, checked before anything is allocated or decoded).
 */
export function validateResidual(value: HeaderValue, layout: ImageLayout, width: number, height: number, maxValues = MAX_RESIDUAL_VALUES): ImageResidual {
  const r = map(value, 'res');
  const colours = colourChannels(IMAGE_LAYOUTS[layout]);
  const lumaCoefficients = int(r.k, 'res.k', 1, MAX_RESIDUAL_COEFFICIENTS);
  const chromaCoefficients = int(r.j, 'res.j', 0, colours === 3 ? MAX_RESIDUAL_COEFFICIENTS : 0);
  const lumaStep = int(r.s, 'res.s', 1, MAX_RESIDUAL_STEP);
  const chromaStep = int(r.u, 'res.u', 1, MAX_RESIDUAL_STEP);
  const gradient = r.g === undefined ? 0 : int(r.g, 'res.g', 0, MAX_RESIDUAL_GRADIENT);
  // `a` and `e` (x.8) come together: one without the other is a broken writer, not an older one.
  const adaptive = r.a === undefined && r.e === undefined ? undefined
    : { sigma: int(r.a, 'res.a', 1, MAX_ADAPTIVE_SIGMA), exponent: int(r.e, 'res.e', 1, MAX_ADAPTIVE_EXPONENT) };
  if (!(r.b instanceof Uint8Array)) bad('res.b', 'binary data (the coded coefficients)', r.b);
  const planes = residualPlanes(width, height, colours, lumaCoefficients, chromaCoefficients);
  const count = residualValueCount(planes);
  if (count > maxValues) fail('LIMIT_EXCEEDED', `the residual holds ${count} values, over the limit maxResidualValues = ${maxValues}`);
  const values = decodeResidualValues(planes, r.b);
  return { lumaCoefficients, chromaCoefficients, lumaStep, chromaStep, ...(gradient > 0 ? { gradient } : {}), ...(adaptive ? { adaptive } : {}), values };
}

/**
 * The `res` map as writers emit it.
 * @throws SnfFormatError `INVALID_ARGUMENT` for a residual a reader would refuse.
 */
export function residualValue(residual: ImageResidual, layout: ImageLayout, width: number, height: number): WritableValue {
  const colours = colourChannels(IMAGE_LAYOUTS[layout]);
  const { lumaCoefficients: k, chromaCoefficients: j, lumaStep: s, chromaStep: u, gradient: g = 0, adaptive, values } = residual;
  const planes = residualPlanes(width, height, colours, k, j);
  const ok = [k, j, s, u].every(Number.isInteger) && k >= 1 && k <= MAX_RESIDUAL_COEFFICIENTS && j >= 0 && j <= (colours === 3 ? MAX_RESIDUAL_COEFFICIENTS : 0)
    && s >= 1 && s <= MAX_RESIDUAL_STEP && u >= 1 && u <= MAX_RESIDUAL_STEP && Number.isInteger(g) && g >= 0 && g <= MAX_RESIDUAL_GRADIENT
    && values instanceof Int16Array && values.length === residualValueCount(planes) && values.every((q) => q >= -32_767)
    && (adaptive === undefined || (Number.isInteger(adaptive.sigma) && adaptive.sigma >= 1 && adaptive.sigma <= MAX_ADAPTIVE_SIGMA
      && Number.isInteger(adaptive.exponent) && adaptive.exponent >= 1 && adaptive.exponent <= MAX_ADAPTIVE_EXPONENT));
  if (!ok) fail('INVALID_ARGUMENT', 'cannot write .snf: header.res is not a valid residual for this image (spec §3.11)');
  // `g` only where it is not 0, so that a residual with one step is written as x.6 wrote it; `a` and `e` only with adaptive steps.
  return { k, j, s, u, ...(g > 0 ? { g } : {}), ...(adaptive ? { a: adaptive.sigma, e: adaptive.exponent } : {}), b: encodeResidualValues(planes, values) };
}
