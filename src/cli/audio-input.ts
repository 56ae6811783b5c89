import type { AudioClip } from '../audio.js';
import { readWav, sniffAudio, WavError } from '../io/wav.js';
import { inputError } from '../node/errors.js';
import { shownName } from '../node/files.js';

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
