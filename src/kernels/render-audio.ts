import type { SirenArch } from './arch.js';
import { forwardScalar } from './forward.js';
import { evaluateField, type ForwardFunction } from './render.js';
import { blendWeight } from './blend.js';
import { extendRegion } from '../format/tiling.js';

/** One network of an audio file and the samples [s0, s1) of its cell (spec §3.5). */
export interface AudioNetwork {
  readonly region: readonly [number, number];
  readonly arch: SirenArch;
  /** Dequantized parameters in the layout of `arch.ts`. */
  readonly params: Float32Array;
}

/** What a clip's networks describe: its length in samples and channels, and the crossfade half-width (spec §3.5, `blend`). */
export interface AudioLayout {
  readonly length: number;
  readonly channels: number;
  /** Samples each network's region extends past its cell on either side; 0: hard joins. */
  readonly overlap: number;
}

/**
 * The output samples [first, end) of an output grid of `outLength` samples
 * over the whole clip (output sample j has its centre at source position
 * u = (j + 0.5) · length / outLength) that fall in [lo, hi) of the source.
 */
export function outputSpan(length: number, outLength: number, lo: number, hi: number): { first: number; end: number } {
  const scale = length / outLength;
  return { first: Math.max(0, Math.ceil(lo / scale - 0.5)), end: Math.min(outLength, Math.max(0, Math.ceil(hi / scale - 0.5))) };
}

/**
 * Renders output samples [first, end) of the clip resampled to `outLength`
 * samples (spec §4.4): each output sample is Σ_n w_n(u) · field_n(t_n(u)),
 * over the networks whose extended region holds its source position u, t_n
 * mapping that region onto [-1, 1]; then clamped to [-1, 1] (NaN to 0). At
 * outLength = length this is exactly the training grid. Only the networks
 * the span touches are evaluated.
 */
export async function renderAudio(
  layout: AudioLayout, networks: readonly AudioNetwork[], outLength: number, first = 0, end = outLength,
  forward: ForwardFunction = forwardScalar,
): Promise<Float32Array[]> {
  const { length, channels, overlap } = layout;
  const count = Math.max(0, end - first);
  const out = Array.from({ length: channels }, () => new Float32Array(count));
  const scale = length / outLength;
  for (const network of networks) {
    const [e0, e1] = extendRegion(network.region, [length], [overlap]);
    const span = outputSpan(length, outLength, e0!, e1!);
    const from = Math.max(first, span.first);
    const to = Math.min(end, span.end);
    if (to <= from) continue;
    const coords = new Float32Array(to - from);
    const weights = new Float64Array(to - from);
    for (let j = from; j < to; j++) {
      const u = (j + 0.5) * scale;
      coords[j - from] = (2 * (u - e0!)) / (e1! - e0!) - 1;
      weights[j - from] = blendWeight(u, network.region[0], network.region[1], length, overlap);
    }
    const values = new Float32Array((to - from) * channels);
    await evaluateField(network.arch, network.params, coords, values, forward);
    for (let i = 0; i < to - from; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      for (let c = 0; c < channels; c++) out[c]![from - first + i]! += w * values[i * channels + c]!;
    }
  }
  for (const channel of out) {
    // A hostile file's weights can overflow to ±∞ and give NaN: that, too, decodes as a sample in range.
    for (let i = 0; i < channel.length; i++) channel[i] = Number.isNaN(channel[i]!) ? 0 : Math.min(1, Math.max(-1, channel[i]!));
  }
  return out;
}
