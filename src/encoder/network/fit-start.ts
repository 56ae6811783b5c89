import { layerShapes, parameterCount, type SirenArch } from '../../kernels/arch.js';
import { initializeWeightScaled } from './ws-init.js';

/** Where every fit starts: the WS initialization of `seed`, its output bias at the targets' mean (startAtTargetsMean). */
export function fitStart(arch: SirenArch, alpha: number, seed: number, targets: Float32Array, weights?: Float32Array): Float32Array {
  return startAtTargetsMean(arch, initializeWeightScaled(arch, alpha, seed), targets, weights);
}

/**
 * Sets the linear output layer's bias to the mean of the targets (weighted
 * as the loss weighs them), so that a fit starts from the set's mean value
 * instead of from about zero. The output weights of a WS initialization are
 * small (±√(6/width)/ω), so the network's first output is about its output
 * bias: this way a flat black tile starts black. From zero, at the images'
 * learning rate, the bias needed some 300 Adam steps to walk to −1, and a
 * short or coarsely rounded fit of a flat image decoded mid-grey (6 dB).
 * Returns `params`, changed in place.
 */
export function startAtTargetsMean(
  arch: SirenArch, params: Float32Array, targets: Float32Array, weights?: Float32Array,
): Float32Array {
  const mean = targetsMean(arch.outputs, targets, weights);
  if (mean !== undefined) params.set(mean, outputBiasOffset(arch));
  return params;
}

/** The mean of `targets` (`outputs` numbers a point), each point weighted by `weights`; undefined where they weigh nothing. */
export function targetsMean(outputs: number, targets: Float32Array, weights?: Float32Array): Float32Array | undefined {
  const points = targets.length / outputs;
  const sums = new Float64Array(outputs);
  let totalWeight = 0;
  for (let p = 0; p < points; p++) {
    const weight = weights === undefined ? 1 : weights[p]!;
    totalWeight += weight;
    for (let c = 0; c < outputs; c++) sums[c]! += weight * targets[p * outputs + c]!;
  }
  return totalWeight > 0 ? Float32Array.from(sums, (sum) => sum / totalWeight) : undefined;
}

/**
 * The parameters of a network whose output is `value` (one number an output) whatever its input: every weight and
 * bias 0 but the linear output layer's bias. How constant targets (a flat image, silence) are coded exactly.
 */
export function biasOnlyNetwork(arch: SirenArch, value: Float32Array): Float32Array {
  const params = new Float32Array(parameterCount(arch));
  params.set(value.subarray(0, arch.outputs), outputBiasOffset(arch));
  return params;
}

/** Where the linear output layer's bias lies in a network's parameters. */
function outputBiasOffset(arch: SirenArch): number {
  return layerShapes(arch)[arch.depth]!.biasOffset;
}
