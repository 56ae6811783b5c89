/**
 * WAV input and output (Node side; the decoder never imports this). Files
 * are written through `wavefile`. They are read here: the reader walks the
 * RIFF chunks itself, so that every problem of a file is one clear line
 * rather than whatever a parser happens to do with it, and decodes the
 * samples with a DataView, because wavefile 11 reads WAVE_FORMAT_EXTENSIBLE
 * float files as integers.
 */
import wavefile from 'wavefile';
import type { AudioClip } from '../audio.js';

/** A WAV file that cannot be read, with a one-line reason. */
export class WavError extends Error {
  override readonly name = 'WavError';
}

/** Sample rates the encoder accepts, in Hz. */
export const MIN_WAV_RATE = 8_000;
export const MAX_WAV_RATE = 192_000;
export const MAX_WAV_CHANNELS = 8;

/** The data size of a WAV written where the writer could not seek back (a pipe): "to the end of the file". */
const STREAMED_SIZE = 0xffffffff;

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Names of common other WAVE codecs, for the error message. */
const OTHER_CODECS: Record<number, string> = { 2: 'ADPCM', 6: 'A-law', 7: 'µ-law', 0x11: 'IMA ADPCM', 0x50: 'MPEG', 0x55: 'MP3', 0x161: 'WMA' };

interface WavFormat {
  readonly format: 'pcm' | 'float';
  readonly bits: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly frames: number;
  /** Byte offset of the first sample. */
  readonly dataAt: number;
}

/** Walks the RIFF chunks: the fmt chunk's facts and the data chunk's frame count, each checked against the file. */
function checkStructure(bytes: Uint8Array): WavFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || id(8) !== 'WAVE') throw new WavError('not a WAVE file: the RIFF header is truncated or names another form');
  if (id(0) === 'RF64') throw new WavError('RF64 (64-bit) WAV files are not supported: convert to a RIFF WAV under 4 GiB');
  if (id(0) !== 'RIFF') throw new WavError(`${id(0)} WAV files are not supported (only little-endian RIFF)`);
  let fmt: Omit<WavFormat, 'frames' | 'dataAt'> | undefined;
  let blockAlign = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const name = id(at);
    const body = at + 8;
    const declared = view.getUint32(at + 4, true);
    // A WAV written to a pipe (ffmpeg) cannot go back to fill in its data size and leaves 0xFFFFFFFF: the samples run
    // to the end of the file, in whole frames.
    const streamed = name === 'data' && declared === STREAMED_SIZE && fmt !== undefined;
    const size = streamed ? bytes.length - body - ((bytes.length - body) % blockAlign) : declared;
    if (name === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw new WavError('truncated WAV: the fmt chunk is cut short');
      let code = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const byteRate = view.getUint32(body + 8, true);
      blockAlign = view.getUint16(body + 12, true);
      const bits = view.getUint16(body + 14, true);
      if (code === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) throw new WavError('bad WAV header: WAVE_FORMAT_EXTENSIBLE without its 24-byte extension');
        code = view.getUint16(body + 24, true);
      }
      if (code !== WAVE_FORMAT_PCM && code !== WAVE_FORMAT_IEEE_FLOAT) {
        throw new WavError(`unsupported WAV codec ${OTHER_CODECS[code] ?? `0x${code.toString(16)}`}: only PCM (8, 16, 24, 32 bit) and IEEE float (32, 64 bit) are read`);
      }
      const format = code === WAVE_FORMAT_PCM ? 'pcm' : 'float';
      if (!(format === 'pcm' ? [8, 16, 24, 32] : [32, 64]).includes(bits)) {
        throw new WavError(`unsupported WAV sample size: ${bits}-bit ${format === 'pcm' ? 'PCM' : 'float'} (PCM 8, 16, 24, 32 bit and float 32, 64 bit are read)`);
      }
      if (channels < 1 || channels > MAX_WAV_CHANNELS) throw new WavError(`unsupported WAV: ${channels} channels (1 to ${MAX_WAV_CHANNELS} are read)`);
      if (sampleRate < MIN_WAV_RATE || sampleRate > MAX_WAV_RATE) throw new WavError(`unsupported WAV sample rate ${sampleRate} Hz (${MIN_WAV_RATE} to ${MAX_WAV_RATE} are read)`);
      if (blockAlign !== (channels * bits) / 8 || byteRate !== sampleRate * blockAlign) {
        throw new WavError(`bad WAV header: block align ${blockAlign} and byte rate ${byteRate} do not match ${channels} channel(s) of ${bits} bits at ${sampleRate} Hz`);
      }
      fmt = { format, bits, channels, sampleRate };
    } else if (name === 'data') {
      if (fmt === undefined) throw new WavError('bad WAV: no fmt chunk before the data chunk');
      if (body + size > bytes.length) throw new WavError(`truncated WAV: the data chunk declares ${size} bytes but only ${bytes.length - body} follow`);
      if (size % blockAlign !== 0) throw new WavError(`bad WAV: the data chunk holds ${size} bytes, not a whole number of ${blockAlign}-byte frames`);
      if (size === 0) throw new WavError('the WAV file holds no samples');
      return { ...fmt, frames: size / blockAlign, dataAt: body };
    }
    at = body + size + (size % 2);
  }
  throw new WavError(fmt === undefined ? 'bad WAV: no fmt chunk' : 'truncated WAV: no data chunk');
}

/** Reads sample k (frame × channels + channel) of the data chunk as a float on [-1, 1] (PCM 8-bit is unsigned, centred on 128). */
function sampleReader(view: DataView, format: WavFormat): (k: number) => number {
  const at = format.dataAt;
  if (format.format === 'float') return format.bits === 32 ? (k) => view.getFloat32(at + 4 * k, true) : (k) => view.getFloat64(at + 8 * k, true);
  switch (format.bits) {
    case 8: return (k) => (view.getUint8(at + k) - 128) / 128;
    case 16: return (k) => view.getInt16(at + 2 * k, true) / 32768;
    case 24: return (k) => ((view.getUint8(at + 3 * k) | (view.getUint8(at + 3 * k + 1) << 8) | (view.getInt8(at + 3 * k + 2) << 16))) / 8388608;
    default: return (k) => view.getInt32(at + 4 * k, true) / 2147483648;
  }
}

/**
 * Reads a WAV file: PCM 8/16/24/32-bit or IEEE float 32/64, plain or
 * WAVE_FORMAT_EXTENSIBLE, 1–8 channels, 8–192 kHz. Samples come back as
 * float on [-1, 1] (PCM 8-bit unsigned is centred; float samples as stored).
 * @throws WavError with a one-line reason for anything else, for a
 *   truncated or inconsistent header, no samples, or NaN/Inf samples.
 */
export function readWav(bytes: Uint8Array): AudioClip {
  const format = checkStructure(bytes);
  const read = sampleReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), format);
  const channels = Array.from({ length: format.channels }, () => new Float32Array(format.frames));
  for (let i = 0; i < format.frames; i++) {
    for (let c = 0; c < format.channels; c++) {
      const v = read(i * format.channels + c);
      if (!Number.isFinite(v)) throw new WavError(`the WAV file holds a sample of ${String(v)} (channel ${c}, sample ${i}); samples must be finite`);
      channels[c]![i] = v;
    }
  }
  return { sampleRate: format.sampleRate, channels };
}

/** Sample formats `writeWav` writes: 16- or 24-bit PCM, or 32-bit float. */
export const WAV_OUTPUT_FORMATS = ['s16', 's24', 'f32'] as const;
export type WavOutputFormat = (typeof WAV_OUTPUT_FORMATS)[number];

/** Bytes a sample takes in each output format. */
const SAMPLE_BYTES: Readonly<Record<WavOutputFormat, number>> = { s16: 2, s24: 3, f32: 4 };

/** The highest sample rate a WAV file of `channels` channels in `format` holds: its header keeps the bytes a second in 32 bits. */
export function maxWavRate(channels: number, format: WavOutputFormat): number {
  return Math.floor(0xffff_ffff / (channels * SAMPLE_BYTES[format]));
}

/** A WAV file of `clip` (samples clamped to [-1, 1]; PCM rounded to nearest). */
export function writeWav(clip: AudioClip, format: WavOutputFormat = 's16'): Uint8Array {
  const wav = new wavefile.WaveFile();
  const bits = 8 * SAMPLE_BYTES[format];
  const top = 2 ** (bits - 1);
  const planes = clip.channels.map((channel) => {
    if (format === 'f32') return Float64Array.from(channel, (v) => Math.min(1, Math.max(-1, v)));
    return Float64Array.from(channel, (v) => Math.min(top - 1, Math.max(-top, Math.round(v * top))));
  });
  wav.fromScratch(clip.channels.length, clip.sampleRate, format === 'f32' ? '32f' : String(bits), planes as unknown as number[][]);
  return wav.toBuffer();
}
