import { MAX_FOURIER_LEVELS } from '../../kernels/input-encoding.js';

/**
 * Defaults of the audio encoder, each chosen by the study in docs/audio.md
 * (raw results: bench/results/study-audio*.jsonl) on ../shared/data/audio/bach.wav.
 */

/** Target rate when none is given: kilobits per second of audio, whole file. */
export const DEFAULT_KBPS = 64;
/** Seconds of audio per network (segment), before the crossfade overlap. */
export const DEFAULT_SEGMENT_SECONDS = 0.25;
/** The shortest segment asked for: a millisecond (44 samples at 44.1 kHz); a network per few samples would cost more header than samples. */
export const MIN_SEGMENT_SECONDS = 0.001;
/** Sine layers. */
export const DEFAULT_AUDIO_DEPTH = 3;
/** ω of every sine layer. */
export const DEFAULT_AUDIO_OMEGA = 30;
/** Passes of the fit over every sample of a segment. */
export const DEFAULT_AUDIO_STEPS = 300;
/** Samples per Adam step. */
export const DEFAULT_AUDIO_BATCH = 1024;
/** Peak learning rate. */
export const DEFAULT_AUDIO_LR = 2e-3;
/** Decoupled weight decay of the fit: none, as it was not studied on audio (images: DEFAULT_IMAGE_WEIGHT_DECAY). */
export const DEFAULT_AUDIO_WEIGHT_DECAY = 0;
/** Coded bits per weight the network is sized for. */
export const DEFAULT_AUDIO_BITS_PER_PARAM = 6.5;
/** Crossfade half-width in samples at each join (format 2.1 `blend`): 2·overlap samples of fade. 0 = hard joins. */
export const DEFAULT_OVERLAP = 32;

/**
 * Octaves the Fourier ladder stops short of the segment's Nyquist rate: the
 * top level k = L − 1 has 2^(L−1) cycles across a segment of n samples,
 * n/2 at Nyquist.
 */
export const FOURIER_BELOW_NYQUIST = 1;

/** Default Fourier levels for segments of `samples` samples (see FOURIER_BELOW_NYQUIST). */
export function defaultAudioFourier(samples: number): number {
  const levels = Math.round(Math.log2(Math.max(2, samples) / 2)) + 1 - FOURIER_BELOW_NYQUIST;
  return Math.max(0, Math.min(MAX_FOURIER_LEVELS, levels));
}

/**
 * Sample rates the audio encoder takes, per second: the CLI reads WAV clips of 8 to 192 kHz (src/io/wav.ts); the
 * library is wider, from 1 kHz to the 768 kHz of the fastest audio interfaces. Below it a segment of a quarter of a
 * second holds a handful of samples, and a clip of a few seconds becomes as many networks as samples.
 */
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768_000;
