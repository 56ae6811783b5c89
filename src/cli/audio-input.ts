import type { AudioClip } from '../audio.js';
import { sniffAudio } from '../io/sniff.js';
import { readWav, WavError } from '../io/wav.js';
import { inputError } from '../node/errors.js';
import { shownName } from '../node/files.js';
import { plural } from './words.js';

/** Whether `bytes` should go to the audio path of `encode`: a WAV file, or another audio container (refused there). */
export function isAudioInput(bytes: Uint8Array): boolean {
  return sniffAudio(bytes) !== undefined;
}

/**
 * The clip of a WAV input, chosen by content, not extension. Any other
 * audio container or a WAV that cannot be read is a one-line input error
 * (exit 3, as an image that cannot be read), before anything is written.
 */
export function readAudioInput(bytes: Uint8Array, name: string): AudioClip {
  const kind = sniffAudio(bytes);
  if (kind !== 'wav') throw inputError(`${shownName(name, 'input')} is ${kind === undefined ? 'not audio' : `an ${kind} file`}: snfc encodes WAV audio (PCM 8/16/24/32-bit or float 32/64); convert it to WAV first`);
  try {
    return readWav(bytes);
  } catch (error) {
    if (error instanceof WavError) throw inputError(`cannot encode ${shownName(name, 'input')}: ${error.message}`);
    throw error;
  }
}

/**
 * The notice for a clip with samples beyond ±1 (float WAVs can hold overs): the decode is on [−1, 1], so the encoder
 * fits them as ±1, and the SNR is measured against the clip as it is. Undefined when every sample is within ±1.
 */
export function oversNotice(clip: AudioClip, name: string): string | undefined {
  let count = 0;
  let peak = 0;
  for (const channel of clip.channels) {
    for (const sample of channel) {
      const size = Math.abs(sample);
      if (size > 1) [count, peak] = [count + 1, Math.max(peak, size)];
    }
  }
  if (count === 0) return undefined;
  const shownPeak = peak < 1000 ? peak.toFixed(2) : peak.toExponential(1);
  return `${shownName(name, 'input')} has ${plural(count, 'sample')} beyond ±1 (the largest ${shownPeak}): a decode is on [−1, 1], so they are fitted as ±1`;
}
