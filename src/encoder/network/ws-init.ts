import { layerShapes, parameterCount, type SirenArch } from '../../kernels/arch.js';
import { SeededRandom } from './random.js';

/**
 * Weight-scaling (WS) initialization, as the official code of Yeom, Lee and
 * Lee (ICLR 2025) does it:
 *
 *   first sine layer   W ~ U(±α / fanIn)
 *   hidden sine layers W ~ U(±α·√(6/fanIn) / ω)
 *   linear output      W ~ U(±√(6/fanIn) / ω)      (not scaled by α)
 *   every bias         b ~ U(±1/√fanIn)
 *
 * α = 1 gives the original SIREN initialization. The paper uses α = 2.5 at
 * width 512; small compression networks want less (see docs/studies.md).
 * Parameters are drawn layer by layer, W then b, each in storage order, so
 * a seed fixes the network exactly.
 */
export function initializeWeightScaled(arch: SirenArch, alpha: number, seed: number): Float32Array {
  const params = new Float32Array(parameterCount(arch));
  const random = new SeededRandom(seed);
  layerShapes(arch).forEach((layer, index) => {
    const weightBound = index === 0
      ? alpha / layer.fanIn
      : layer.sine
        ? (alpha * Math.sqrt(6 / layer.fanIn)) / arch.omega
        : Math.sqrt(6 / layer.fanIn) / arch.omega;
    const weightCount = layer.fanIn * layer.fanOut;
    for (let i = 0; i < weightCount; i++) params[layer.weightOffset + i] = random.symmetric(weightBound);
    const biasBound = 1 / Math.sqrt(layer.fanIn);
    for (let o = 0; o < layer.fanOut; o++) params[layer.biasOffset + o] = random.symmetric(biasBound);
  });
  return params;
}
