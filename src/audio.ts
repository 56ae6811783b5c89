/**
 * An audio clip in memory: the currency between WAV I/O, the encoder, the
 * decoder and the metrics. One Float32Array per channel, all of the same
 * length, samples as linear PCM in [-1, 1] (spec §3.3).
 */
export interface AudioClip {
  /** Samples per second. */
  readonly sampleRate: number;
  /** 1 to 8 channels, each `length` samples. */
  readonly channels: readonly Float32Array[];
}

/** Samples per channel of `clip` (0 without channels). */
export function clipLength(clip: AudioClip): number {
  return clip.channels[0]?.length ?? 0;
}
