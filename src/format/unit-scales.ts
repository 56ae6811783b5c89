import { layerShapes, type SirenArch } from '../kernels/arch.js';
import { wasmStreams } from '../kernels/wasm/stream-kernels.js';

/**
 * Steps per unit (format 5, spec §5.1): each sine unit's incoming weights and
 * bias are quantized on the tensor's step times a multiplier that the decoder
 * derives from the layers after it, so that the units the output hears least
 * get coarser steps, at no cost in bits.
 *
 * The loss added by an error in unit j's incoming weights scales with the
 * energy that reaches the output from j: for the last sine layer, the squared
 * norm of row j of the output layer; before it, Σ_k W[j,k]² · g_k over the
 * next layer (the sine's derivative averages to the same factor for every
 * unit). Quantization noise is least, at a given rate, with steps ∝ g^(−1/2)
 * (high-rate theory), and the tensor's own step sets the scale:
 * multiplier_j = √(mean g / g_j), clamped to [1/4, 4]. Only IEEE-exact
 * operations (+, ×, /, √) in a fixed order: every reader gets the same bits.
 */

/** Multipliers are kept within [1 / MAX_UNIT_SCALE, MAX_UNIT_SCALE]: a unit the output does not hear (g = 0) gets the largest. */
export const MAX_UNIT_SCALE = 4;

/**
 * Energies and step multipliers of sine layer `layer`'s units, from the final
 * (dequantized, scaled) weights of layer `layer + 1` in `params` and that
 * layer's units' energies (`above`; undefined when it is the linear output
 * layer, whose outputs all weigh 1). Energies come back divided by their mean,
 * so that they stay in range through any depth.
 */
export function unitScalesBelow(
  arch: SirenArch, params: Float32Array, layer: number, above: Float64Array | undefined,
): { scales: Float64Array; energies: Float64Array } {
  const next = layerShapes(arch)[layer + 1]!;
  const energies = new Float64Array(next.fanIn);
  let total = 0;
  for (let j = 0; j < next.fanIn; j++) {
    let sum = 0;
    const row = next.weightOffset + j * next.fanOut;
    for (let k = 0; k < next.fanOut; k++) {
      const w = params[row + k]!;
      sum += above === undefined ? w * w : w * w * above[k]!;
    }
    energies[j] = sum;
    total += sum;
  }
  const scales = new Float64Array(next.fanIn).fill(1);
  // Spec §5.1: T must be above 0 and finite (a step near float32's top times a large integer can overflow to ∞).
  if (!(total > 0 && Number.isFinite(total))) return { scales, energies: energies.fill(1) };
  const mean = total / next.fanIn;
  for (let j = 0; j < next.fanIn; j++) {
    energies[j] = energies[j]! / mean;
    const scale = energies[j]! > 0 ? Math.sqrt(1 / energies[j]!) : MAX_UNIT_SCALE;
    scales[j] = Math.min(MAX_UNIT_SCALE, Math.max(1 / MAX_UNIT_SCALE, scale));
  }
  return { scales, energies };
}

/** Multiplies sine layer `layer`'s weights (column j) and bias (entry j) in `params` by `scales[j]`, rounding to float32. */
export function scaleUnits(arch: SirenArch, params: Float32Array, layer: number, scales: Float64Array): void {
  const { fanIn, fanOut, weightOffset, biasOffset } = layerShapes(arch)[layer]!;
  for (let i = 0; i < fanIn; i++) {
    const row = weightOffset + i * fanOut;
    for (let j = 0; j < fanOut; j++) params[row + j] = params[row + j]! * scales[j]!;
  }
  for (let j = 0; j < fanOut; j++) params[biasOffset + j] = params[biasOffset + j]! * scales[j]!;
}

/**
 * Each sine layer's multipliers (index: layer) for parameters that are
 * already the network's, as a float fit's are: from the last sine layer
 * down, each from the layers above it as they stand. What the encoder's
 * sensitivity probe shapes its noise by; the decoder's are these of the
 * weights it dequantizes.
 */
export function unitScalesOf(arch: SirenArch, params: Float32Array): Float64Array[] {
  const scales: Float64Array[] = new Array<Float64Array>(arch.depth);
  let above: Float64Array | undefined;
  for (let layer = arch.depth - 1; layer >= 0; layer--) {
    const below = unitScalesBelow(arch, params, layer, above);
    scales[layer] = below.scales;
    above = below.energies;
  }
  return scales;
}

/**
 * Turns parameters dequantized on their tensors' steps into the network's
 * (spec §5.1): from the last sine layer down, each layer's units scaled by
 * the multipliers that the layer above, already final, gives them.
 */
export function applyUnitScales(arch: SirenArch, params: Float32Array): void {
  // In WASM where it is there (the same bits): a decode runs this once a network, cold, and V8's first runs of the
  // loops below box every product (about 10–16 ms of a 768×512 photo's decode, with the garbage collection).
  const streams = wasmStreams();
  if (streams !== undefined) {
    streams.unitScales(layerShapes(arch), params);
    return;
  }
  let above: Float64Array | undefined;
  for (let layer = arch.depth - 1; layer >= 0; layer--) {
    const { scales, energies } = unitScalesBelow(arch, params, layer, above);
    scaleUnits(arch, params, layer, scales);
    above = energies;
  }
}
