import { tensorSlices, type SirenArch } from '../../kernels/arch.js';
import { unitScalesOf } from '../../format/unit-scales.js';
import type { Engine } from './engine.js';
import { largestMagnitude, maxLevel } from './quantize.js';
import { SeededRandom } from './random.js';

/**
 * How much the training loss grows per unit of squared error in one weight
 * of each tensor: h_t = ΔL_t / (n_t · δ_t² / 12), measured by adding uniform
 * noise of width δ_t (an 8-bit quantization step of that tensor, so the
 * probe is in the regime quantization operates in) to that tensor alone.
 *
 * With uniform quantization at step s_t the loss grows by about
 * Σ_t h_t n_t s_t² / 12 while the rate falls by n_t log2 s_t, so the steps
 * that minimize rate + distortion satisfy s_t ∝ 1/√h_t (docs/how-it-works.md "Rate
 * control"). One engine forward per tensor; the engine's parameters are
 * restored afterwards.
 *
 * With `unitScales` (format 5, spec §5.1) a sine unit's weights and bias
 * are quantized at the tensor's step times the unit's multiplier, so the
 * probe's noise on them is scaled by it too: h_t is then the loss per
 * squared unit of the tensor's step, what the rate control sets. The
 * multipliers come from the float weights, which the decoder's differ
 * from by a rounding.
 */
export async function tensorSensitivities(engine: Engine, arch: SirenArch, params: Float32Array, seed: number, unitScales = false): Promise<number[]> {
  await engine.setParams(params);
  const baseLoss = await engine.forward();
  const random = new SeededRandom(seed ^ 0x5eed);
  const slices = tensorSlices(arch);
  const shapes = noiseShapes(arch, params, unitScales);
  const raw: number[] = [];
  for (const [t, { offset, length }] of slices.entries()) {
    const weights = params.subarray(offset, offset + length);
    const probe = Math.max(largestMagnitude(weights), 1e-6) / maxLevel(8);
    const noisy = Float32Array.from(params);
    const shape = shapes[t];
    for (let i = 0; i < length; i++) noisy[offset + i] = params[offset + i]! + random.symmetric(probe / 2) * (shape === undefined ? 1 : shape[i % shape.length]!);
    await engine.setParams(noisy);
    const loss = await engine.forward();
    raw.push((loss - baseLoss) / ((length * probe * probe) / 12));
  }
  await engine.setParams(params);
  // A probe can land on a lucky draw that lowers the loss; such a tensor is
  // still not free to quantize, so give it the smallest positive sensitivity seen.
  const positive = raw.filter((h) => h > 0);
  const floor = positive.length > 0 ? Math.min(...positive) : 1;
  return raw.map((h) => (h > 0 ? h : floor));
}

/**
 * Per tensor (file order), the multiplier of each of its values' unit, indexed by value mod the layer's width (a
 * weight's column, a bias's entry): the sine layers' under `unitScales`, none for the output layer or without.
 */
function noiseShapes(arch: SirenArch, params: Float32Array, unitScales: boolean): (Float64Array | undefined)[] {
  const layers = unitScales ? unitScalesOf(arch, params) : [];
  return Array.from({ length: 2 * (arch.depth + 1) }, (_, t) => layers[Math.floor(t / 2)]);
}
