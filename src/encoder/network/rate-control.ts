import { tensorSlices, type SirenArch } from '../../kernels/arch.js';
import { networkParams, type QuantizedTensor } from '../../format/index.js';
import { foldSineBiases } from './bias-folding.js';
import { quantizeWithStep } from './quantize.js';
import { scaleUnits, unitScalesBelow } from '../../format/unit-scales.js';

/** ± tolerance of `--bpp` on the total file size. */
export const RATE_TOLERANCE = 0.05;

/**
 * Quantization steps for every tensor at rate–distortion slope `lambda`:
 * s_t = λ / √h_t, the steps that equalize the loss added per bit saved
 * across tensors (see `tensorSensitivities`).
 */
export function stepsForLambda(sensitivities: readonly number[], lambda: number): number[] {
  return sensitivities.map((h) => lambda / Math.sqrt(h));
}

/**
 * Folds the sine biases, then quantizes each tensor (file order) at its step; with `unitScales` (format 5, spec
 * §5.1), each sine unit's weights and bias at the step times the unit's multiplier.
 */
export function quantizeWithSteps(arch: SirenArch, params: Float32Array, steps: readonly number[], unitScales = false): QuantizedTensor[] {
  const folded = foldSineBiases(arch, params);
  if (unitScales) return quantizePerUnit(arch, folded, steps);
  return tensorSlices(arch).map(({ offset, length }, t) => quantizeWithStep(folded.subarray(offset, offset + length), steps[t]!));
}

/**
 * Steps per unit (spec §5.1): a layer's multipliers come from the layers above as the decoder dequantizes them, so
 * the output layer is quantized first, then each sine layer down, its units divided by their multipliers before
 * rounding and its dequantized values kept, scaled back, for the layer below, exactly as `networkParams` makes them.
 */
function quantizePerUnit(arch: SirenArch, folded: Float32Array, steps: readonly number[]): QuantizedTensor[] {
  const slices = tensorSlices(arch);
  const tensors: QuantizedTensor[] = new Array<QuantizedTensor>(slices.length);
  const decoded = new Float32Array(folded.length);
  const quantize = (t: number, divisor: (i: number) => number): void => {
    const { offset, length } = slices[t]!;
    const tensor = quantizeWithStep(Float32Array.from(folded.subarray(offset, offset + length), (value, i) => value / divisor(i)), steps[t]!);
    tensors[t] = tensor;
    for (let i = 0; i < length; i++) decoded[offset + i] = tensor.values[i]! * tensor.step;
  };
  quantize(2 * arch.depth, () => 1);
  quantize(2 * arch.depth + 1, () => 1);
  let above: Float64Array | undefined;
  for (let layer = arch.depth - 1; layer >= 0; layer--) {
    const { scales, energies } = unitScalesBelow(arch, decoded, layer, above);
    const fanOut = slices[2 * layer + 1]!.length;
    quantize(2 * layer, (i) => scales[i % fanOut]!);
    quantize(2 * layer + 1, (j) => scales[j]!);
    scaleUnits(arch, decoded, layer, scales);
    above = energies;
  }
  return tensors;
}

/** Parameters rounded to the grid of `steps`, as the decoder will see them (after bias folding; `unitScales` as in quantizeWithSteps). */
export function roundToSteps(arch: SirenArch, params: Float32Array, steps: readonly number[], unitScales = false): Float32Array {
  return networkParams({ arch, tensors: quantizeWithSteps(arch, params, steps, unitScales), unitScales });
}

/** Whether a file of `bytes` is within ±RATE_TOLERANCE of `targetBytes`. */
export function withinRate(bytes: number, targetBytes: number): boolean {
  return Math.abs(bytes - targetBytes) <= RATE_TOLERANCE * targetBytes;
}

export interface LambdaSearch {
  readonly lambda: number;
  readonly bytes: number;
  /** True when the size is within ±RATE_TOLERANCE of the target. */
  readonly hit: boolean;
}

/**
 * Finds the slope λ whose file is the largest not above `targetBytes`
 * (coarser steps, larger λ, smaller file). File size falls with λ but not
 * strictly (the coder is adaptive), so this brackets, bisects in log λ and
 * keeps the best size seen. `sizeAt` builds the complete file.
 */
export function searchLambda(sizeAt: (lambda: number) => number, targetBytes: number, start = 1e-3): LambdaSearch {
  let best: { lambda: number; bytes: number } | undefined;
  // Each λ's file is built once: the brackets below start by trying `start` again.
  const sizes = new Map<number, number>();
  const consider = (lambda: number): number => {
    const known = sizes.get(lambda);
    if (known !== undefined) return known;
    const bytes = sizeAt(lambda);
    sizes.set(lambda, bytes);
    if (bytes <= targetBytes && (!best || bytes > best.bytes)) best = { lambda, bytes };
    return bytes;
  };
  let low = start; // a λ whose file is above the target
  let high = start; // a λ whose file is at or below it
  if (consider(start) > targetBytes) {
    for (let i = 0; i < 40 && consider(high) > targetBytes; i++) high *= 4;
  } else {
    for (let i = 0; i < 40 && consider(low) <= targetBytes; i++) low /= 4;
  }
  for (let i = 0; i < 40 && high / low > 1.0005; i++) {
    const middle = Math.sqrt(low * high);
    if (consider(middle) > targetBytes) low = middle;
    else high = middle;
    if (best && best.bytes >= targetBytes * (1 - RATE_TOLERANCE / 4)) break;
  }
  const chosen = best ?? finestNearSmallest(Array.from(sizes, ([lambda, bytes]) => ({ lambda, bytes })));
  return { ...chosen, hit: withinRate(chosen.bytes, targetBytes) };
}

/**
 * For a target below every file the search tried: the finest λ whose file
 * is within RATE_TOLERANCE of the smallest. The file misses the rate either
 * way, and the coarsest grid can round a network to nothing (every level 0)
 * where a few bytes more keep what matters most: a flat black 16×16 image,
 * asked for at 1 bpp, decoded mid-grey at 6 dB in 122 bytes, and keeps its
 * output bias, 34 dB, in 127.
 */
function finestNearSmallest(tried: readonly { lambda: number; bytes: number }[]): { lambda: number; bytes: number } {
  const smallest = Math.min(...tried.map((size) => size.bytes));
  const near = tried.filter((size) => size.bytes <= smallest * (1 + RATE_TOLERANCE));
  return near.reduce((finest, size) => (size.lambda < finest.lambda ? size : finest));
}

/**
 * The λ of the smallest file whose decode is exact, among `exactLambda`
 * (exact: the caller checked) and the 48 coarser slopes `exactLambda`·2^k,
 * which reach grids that round every weight to zero (and stop short of
 * steps past float32's range). They are tried from the coarsest down, each
 * whose file is smaller than the best exact one so far, since exactness
 * need not be monotone in λ (a coarser grid can round a network back onto
 * exact values). A file of the same size as the one just found inexact is
 * taken for the same file and not checked again: the coarsest grids all
 * round to zero, and each check is a whole decode. Once `stop()` says so
 * (a time limit), the best found so far.
 */
export async function smallestExactLambda(
  sizeAt: (lambda: number) => number, exactAt: (lambda: number) => Promise<boolean>, exactLambda: number, stop: () => boolean = () => false,
): Promise<number> {
  let best = { lambda: exactLambda, bytes: sizeAt(exactLambda) };
  let lastInexact: number | undefined;
  for (let k = 48; k >= 1 && !stop(); k--) {
    const lambda = exactLambda * 2 ** k;
    const bytes = sizeAt(lambda);
    if (bytes >= best.bytes || bytes === lastInexact) continue;
    if (await exactAt(lambda)) best = { lambda, bytes };
    else lastInexact = bytes;
  }
  return best.lambda;
}
