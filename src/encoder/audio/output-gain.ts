/**
 * A quiet clip's gain, folded into the networks' output layers. The networks are fitted to the clip raised by a power
 * of two that brings its peak into [½, 1), and the output layer's two tensors then have their steps lowered by the
 * same power: the decoder computes exactly the raised fit, scaled back, and the file format needs nothing new (a power
 * of two keeps a step on the compact table's grid, spec §3.4, and exact in float32).
 *
 * Why: a fit's start, its learning rate and the quantization's noise are sized for signals near full scale. Without
 * the gain, a two-tone clip at 32 kbit/s fell from 8.9 dB of SNR at a peak of 0.75 to 5.4 at 0.0075 and 0.2 at
 * 0.00075, and a clip at −126 dBFS decoded to noise 60 dB louder than itself (session 71's audit).
 */
import type { AudioClip } from '../../audio.js';
import type { QuantizedTensor } from '../../format/index.js';

/** Most octaves a clip is raised: 2^20 takes a peak of 10⁻⁶ to near full scale, and keeps every step a normal float32. */
const MAX_GAIN_OCTAVES = 20;

/** Octaves m ≥ 0 to raise `clip` by (× 2^m) so that its peak lies in [½, 1); 0 for a clip at or near full scale, or silent. */
export function gainOctaves(clip: AudioClip): number {
  let peak = 0;
  for (const channel of clip.channels) for (const sample of channel) peak = Math.max(peak, Math.abs(sample));
  if (peak === 0) return 0;
  let octaves = 0;
  while (octaves < MAX_GAIN_OCTAVES && peak * 2 ** (octaves + 1) < 1) octaves += 1;
  return octaves;
}

/** `network`'s tensors (W0, b0, …, W_last, b_last) with the output layer's steps × 2^−m: the fit of a clip raised by 2^m, scaled back. */
export function lowerOutput(network: readonly QuantizedTensor[], octaves: number): QuantizedTensor[] {
  if (octaves === 0) return [...network];
  const last = network.length - 2;
  return network.map((tensor, i) => (i >= last ? { ...tensor, step: tensor.step * 2 ** -octaves } : tensor));
}
