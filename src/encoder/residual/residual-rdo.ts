/**
 * Rate–distortion optimized quantization of the DCT residual (spec §3.11),
 * a simplified trellis of the kind mozjpeg runs: rounding each coefficient
 * to its nearest level (or a dead zone's) spends bits where they buy little,
 * on a lone ±1 among zeros, on a block's last coefficients, on a block that
 * is all but empty. Here each block picks, for every coefficient, zero or
 * one of the two levels around its value, and where the block ends (the
 * coefficients past its last nonzero one are not coded), minimizing
 * D + λ·R: D the squared error in 8-bit levels (weighted by what a level of
 * each plane costs in RGB), R the bits of a static model of the coder's
 * contexts estimated from the residual itself. The stream stays as the
 * format defines it; only the encoder's choices change.
 */
import { POSITION_GROUPS, positionGroup } from '../../format/residual.js';
import { MAX_RESIDUAL_COEFFICIENTS, type ResidualPlane } from '../../kernels/residual.js';

/**
 * Squared RGB error per squared level of each plane, relative to luma's 3: a level of Cb moves G by 0.344 and B by
 * 1.772, one of Cr R by 1.402 and G by 0.714 (addResidual's transform), and a chroma sample covers 2 × 2 pixels.
 */
const PLANE_WEIGHTS = [1, (4 * (0.344136 ** 2 + 1.772 ** 2)) / 3, (4 * (1.402 ** 2 + 0.714136 ** 2)) / 3] as const;

/** Magnitudes the rate model tells apart; a larger one costs the last's bits and 2 more a doubling (its class's unary bit and a suffix bit). */
const MODEL_MAGNITUDES = 24;
/** Models of a coefficient's value as the coder keeps them: luma or chroma × position group × neighbours nonzero (0–2). */
const VALUE_MODELS = 2 * POSITION_GROUPS * 3;

/** Bits of each event under a static model of the coder's adaptive contexts. */
interface RateModel {
  /** Bits of magnitude m (the sign included) in value model v: [v · MODEL_MAGNITUDES + min(m, MODEL_MAGNITUDES − 1)]. */
  readonly value: Float64Array;
  /** Bits of "not last" (0) or "last" (1) after a nonzero coefficient: [(kind · POSITION_GROUPS + group) · 2 + flag]. */
  readonly last: Float64Array;
  /** Bits of "empty" (0) or "occupied" (1) for a block: [(kind · 3 + near blocks) · 2 + flag]. */
  readonly occupied: Float64Array;
}

/** A residual's planes in stream order with their values and each block's 64 coefficients in levels (zigzag order). */
export interface RdoInput {
  readonly planes: readonly ResidualPlane[];
  readonly values: Int16Array;
  /** DCT coefficients of each plane, MAX_RESIDUAL_COEFFICIENTS a block. */
  readonly dct: readonly Float64Array[];
  /** Levels per integer of each zigzag position (coefficientSteps). */
  readonly steps: Float64Array;
  /** A weight of each block's error, per plane (texture masking, residual-fit.ts's maskingWeights); absent: 1. */
  readonly blockWeights?: readonly Float64Array[];
}

/**
 * Requantizes `input.values` in place, minimizing D + λ·R with D in squared steps of each coefficient (so that a step
 * graded by frequency keeps its meaning: the coarser steps of high frequencies stand for errors that count less)
 * and λ = `lambdaScale` (for a uniform quantizer at high rate the slope of D(R) is 2 ln 2 / 12 ≈ 0.12 squared steps
 * a bit). The rate model is estimated from the values as they come (the dead zone's): a second pass, with the model
 * of the optimized values, changed kodim13's decodes at 1 bpp by 0.01 dB and took twice the time.
 */
export function optimizeResidual(input: RdoInput, lambdaScale: number): void {
  requantize(input, rateModelOf(input.planes, input.values), lambdaScale);
}

/** The model of `values` as the coder walks them (format/residual.ts, codeValues): counts turned into bits, each count from ½. */
function rateModelOf(planes: readonly ResidualPlane[], values: Int16Array): RateModel {
  const value = new Float64Array(VALUE_MODELS * MODEL_MAGNITUDES);
  const last = new Float64Array(2 * POSITION_GROUPS * 2);
  const occupied = new Float64Array(2 * 3 * 2);
  walkBlocks(planes, values, (first, n, kind, nearBlocks, above, left) => {
    let end = n - 1;
    while (end >= 0 && values[first + end] === 0) end--;
    occupied[(kind * 3 + nearBlocks) * 2 + (end >= 0 ? 1 : 0)]!++;
    for (let c = 0; c <= end; c++) {
      const q = values[first + c]!;
      const model = valueModel(values, first + c, kind, c, above, left);
      value[model * MODEL_MAGNITUDES + Math.min(Math.abs(q), MODEL_MAGNITUDES - 1)]!++;
      if (q !== 0 && c < n - 1) last[(kind * POSITION_GROUPS + positionGroup(c)) * 2 + (c === end ? 1 : 0)]!++;
    }
  });
  return { value: toBits(value, MODEL_MAGNITUDES, 1), last: toBits(last, 2, 0), occupied: toBits(occupied, 2, 0) };
}

/** Counts in rows of `size` turned into −log₂ of their smoothed frequency, plus `signBits` for every entry but the first (zero). */
function toBits(counts: Float64Array, size: number, signBits: number): Float64Array {
  const bits = new Float64Array(counts.length);
  for (let row = 0; row < counts.length; row += size) {
    let total = 0;
    for (let i = 0; i < size; i++) total += counts[row + i]! + 0.5;
    for (let i = 0; i < size; i++) bits[row + i] = -Math.log2((counts[row + i]! + 0.5) / total) + (i > 0 ? signBits : 0);
  }
  return bits;
}

/** The value model of the coefficient at `index` (position `c` of its block), by its neighbours' same coefficient. */
function valueModel(values: Int16Array, index: number, kind: number, c: number, above: number, left: number): number {
  const near = (above > 0 && values[index - above] !== 0 ? 1 : 0) + (left > 0 && values[index - left] !== 0 ? 1 : 0);
  return (kind * POSITION_GROUPS + positionGroup(c)) * 3 + near;
}

/** Calls `visit` for every block in stream order with its first value's index, its coefficient count, luma (0) or chroma (1), how many of the blocks above and left have a nonzero value, and the offsets of those blocks' values (0: none). */
function walkBlocks(
  planes: readonly ResidualPlane[], values: Int16Array,
  visit: (first: number, n: number, kind: number, nearBlocks: number, above: number, left: number, plane: number, block: number) => void,
): void {
  planes.forEach((plane, p) => {
    const n = plane.coefficients;
    const row = plane.blocksX * n;
    const kind = plane.factor === 1 ? 0 : 1;
    const occupied = (first: number): number => {
      for (let c = 0; c < n; c++) if (values[first + c] !== 0) return 1;
      return 0;
    };
    for (let by = 0, block = 0, first = plane.offset; by < plane.blocksY; by++) {
      for (let bx = 0; bx < plane.blocksX; bx++, block++, first += n) {
        // Read before the visit, as the neighbours' final values: the visit may change this block only.
        const nearBlocks = (by > 0 ? occupied(first - row) : 0) + (bx > 0 ? occupied(first - n) : 0);
        visit(first, n, kind, nearBlocks, by > 0 ? row : 0, bx > 0 ? n : 0, p, block);
      }
    }
  });
}

/** Bits of magnitude `m` in value model `model`. */
function valueBits(model: RateModel, base: number, m: number): number {
  if (m < MODEL_MAGNITUDES - 1) return model.value[base + m]!;
  return model.value[base + MODEL_MAGNITUDES - 1]! + 2 * Math.log2(m / (MODEL_MAGNITUDES - 1));
}

/** One pass of the optimization over every block, in stream order, with the rate model `model`. */
function requantize({ planes, values, dct, steps, blockWeights }: RdoInput, model: RateModel, lambda: number): void {
  const zeroCost = new Float64Array(MAX_RESIDUAL_COEFFICIENTS);
  const levelCost = new Float64Array(MAX_RESIDUAL_COEFFICIENTS);
  const level = new Int32Array(MAX_RESIDUAL_COEFFICIENTS);
  // dropped[c]: the error of leaving positions c… uncoded, past the block's last nonzero value.
  const dropped = new Float64Array(MAX_RESIDUAL_COEFFICIENTS + 1);
  // λ × bits of "not last" and "last" after a nonzero value at each position (none at a block's final position).
  const notLastCost = new Float64Array(MAX_RESIDUAL_COEFFICIENTS), lastCost = new Float64Array(MAX_RESIDUAL_COEFFICIENTS);
  const groups = Uint8Array.from({ length: MAX_RESIDUAL_COEFFICIENTS }, (_, c) => positionGroup(c));
  let kindOfFlags = -1, countOfFlags = -1;
  walkBlocks(planes, values, (first, n, kind, nearBlocks, above, left, p, block) => {
    if (kind !== kindOfFlags || n !== countOfFlags) {
      for (let c = 0; c < n; c++) {
        const at = (kind * POSITION_GROUPS + groups[c]!) * 2;
        notLastCost[c] = c < n - 1 ? lambda * model.last[at]! : 0;
        lastCost[c] = c < n - 1 ? lambda * model.last[at + 1]! : 0;
      }
      kindOfFlags = kind;
      countOfFlags = n;
    }
    const weight = PLANE_WEIGHTS[p]! * (blockWeights?.[p]![block] ?? 1);
    const coefficients = dct[p]!;
    const at = block * MAX_RESIDUAL_COEFFICIENTS;
    for (let c = 0; c < n; c++) {
      const x = coefficients[at + c]! / steps[c]!;
      const size = x < 0 ? -x : x;
      const near = (above > 0 && values[first + c - above] !== 0 ? 1 : 0) + (left > 0 && values[first + c - left] !== 0 ? 1 : 0);
      const base = ((kind * POSITION_GROUPS + groups[c]!) * 3 + near) * MODEL_MAGNITUDES;
      const error = size * size * weight;
      zeroCost[c] = error + lambda * model.value[base]!;
      dropped[c] = error;
      // The two levels around the value, at least 1: the cheaper one in D + λR.
      const low = size < 1 ? 1 : Math.floor(size);
      const below = size - low, above1 = below - 1;
      const lowCost = below * below * weight + lambda * valueBits(model, base, low);
      const highCost = above1 * above1 * weight + lambda * valueBits(model, base, low + 1);
      const m = highCost < lowCost ? low + 1 : low;
      levelCost[c] = highCost < lowCost ? highCost : lowCost;
      level[c] = x < 0 ? -Math.min(32_767, m) : Math.min(32_767, m);
    }
    dropped[n] = 0;
    for (let c = n - 1; c >= 0; c--) dropped[c]! += dropped[c + 1]!;
    const occupied = (kind * 3 + nearBlocks) * 2;
    // The block's end: the last nonzero position (or none), each position before it zero or its level.
    let bestEnd = -1;
    let bestCost = dropped[0]! + lambda * model.occupied[occupied]!;
    let before = lambda * model.occupied[occupied + 1]!;
    for (let end = 0; end < n; end++) {
      const cost = before + levelCost[end]! + lastCost[end]! + dropped[end + 1]!;
      if (cost < bestCost) {
        bestCost = cost;
        bestEnd = end;
      }
      const keep = levelCost[end]! + notLastCost[end]!;
      before += keep < zeroCost[end]! ? keep : zeroCost[end]!;
    }
    for (let c = 0; c < n; c++) {
      const keep = c === bestEnd || (c < bestEnd && levelCost[c]! + notLastCost[c]! < zeroCost[c]!);
      values[first + c] = keep ? level[c]! : 0;
    }
  });
}
