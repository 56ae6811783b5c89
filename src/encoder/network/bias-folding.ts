import { layerShapes, type SirenArch } from '../../kernels/arch.js';

/**
 * Folds every sine layer's bias into one period of the sine,
 * [−π/ω, π/ω]: sin(ω(z + b)) = sin(ω(z + b − 2πk/ω)), so the field is
 * unchanged while the range the quantizer must span shrinks (first layer:
 * from ±1/√2 to ±0.105 at ω = 30, three bits' worth).
 */
export function foldSineBiases(arch: SirenArch, params: Float32Array): Float32Array {
  const folded = Float32Array.from(params);
  const period = (2 * Math.PI) / arch.omega;
  for (const layer of layerShapes(arch)) {
    if (!layer.sine) continue;
    for (let o = 0; o < layer.fanOut; o++) {
      const b = folded[layer.biasOffset + o]!;
      folded[layer.biasOffset + o] = b - period * Math.round(b / period);
    }
  }
  return folded;
}
