import { createRequire } from 'node:module';
import type { AudioClip } from '../audio.js';
import { resample } from './resample.js';

/**
 * The audio codecs `snfc bench` compares snf with, each round-tripped to a
 * clip at the source rate and length, aligned to the source:
 *
 * - MP3: @breezystack/lamejs (a port of LAME 3.98 without the bit
 *   reservoir), CBR, decoded by mpg123-decoder. The input is resampled first
 *   (band-limited, resample.ts) to the rate LAME would pick itself, because
 *   lamejs's own resampler is broken for 44.1 → 24 kHz (../shared/PLATFORM.md).
 * - Opus: libopus 1.4 through opusscript's native handler (its JS wrapper
 *   writes PCM at twice the address it reserves; the handler takes PCM as
 *   one byte per uint16 element), 20 ms frames, hard CBR,
 *   signal forced to music (at ≤ 48 kbps libopus otherwise picks SILK or
 *   hybrid modes), at 48 kHz (resampled there and back). The rate counts the
 *   Opus packets only, with no Ogg container.
 *
 * Alignment: the decoded signal is shifted by the lag, 0 … MAX_ALIGN_LAG
 * source samples, that maximizes its cross-correlation with the source
 * (the codec's delay: 1105 samples for LAME, 312 of pre-skip for Opus at
 * 48 kHz, plus whatever the resamplers add), then cut to the source length.
 */

export const AUDIO_CODEC_NAMES = ['snf', 'mp3', 'opus'] as const;
export type AudioCodecName = (typeof AUDIO_CODEC_NAMES)[number];

/** Largest delay searched when aligning a decoded clip, in source samples. */
export const MAX_ALIGN_LAG = 4096;
/** Samples from the start the cross-correlation is summed over (3 s at 44.1 kHz): enough to pin the lag, and bounded. */
const ALIGN_WINDOW = 1 << 17;

/** A round trip: the bytes as a codec would store them, the aligned decoded clip, and the lag removed. */
export interface AudioRoundTrip {
  readonly bytes: number;
  readonly decoded: AudioClip;
  readonly lag: number;
  /** The sample rate the codec coded at. */
  readonly codedRate: number;
}

/**
 * The sample rate LAME picks for a CBR rate (LAME's optimum_samplefreq, for 44.1/48 kHz sources), where lamejs codes
 * at it. At 32 kbit/s lamejs marks its stream 22.05 kHz whatever the rate it was given: 24 kHz samples (what LAME
 * picks for a 48 kHz source) came back 8.8 % slower and at an SNR of 0 dB. So the bench resamples to 22.05 kHz there.
 */
export function lameRate(kbps: number, sourceRate: number): number {
  if (kbps <= 24) return 16_000;
  if (kbps <= 32) return 22_050;
  if (kbps <= 40) return sourceRate % 11_025 === 0 ? 22_050 : 24_000;
  if (kbps <= 56) return 32_000;
  return sourceRate === 48_000 ? 48_000 : 44_100;
}

const toInt16 = (signal: Float32Array): Int16Array => Int16Array.from(signal, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));

/** MP3 at `kbps` CBR (mono or stereo: lamejs codes at most 2 channels). */
export async function mp3RoundTrip(clip: AudioClip, kbps: number): Promise<AudioRoundTrip> {
  if (clip.channels.length > 2) throw new RangeError('MP3 codes 1 or 2 channels');
  const codedRate = lameRate(kbps, clip.sampleRate);
  const coded = clip.channels.map((c) => toInt16(resample(c, clip.sampleRate, codedRate)));
  // Loaded here, not at start-up: every snfc command imports this module through the bench command.
  const { Mp3Encoder } = await import('@breezystack/lamejs');
  const { MPEGDecoder } = await import('mpg123-decoder');
  const encoder = new Mp3Encoder(clip.channels.length, codedRate, kbps);
  const chunks: Uint8Array[] = [];
  const block = 1152 * 8;
  for (let i = 0; i < coded[0]!.length; i += block) {
    chunks.push(Uint8Array.from(encoder.encodeBuffer(coded[0]!.subarray(i, i + block), coded[1]?.subarray(i, i + block))));
  }
  chunks.push(Uint8Array.from(encoder.flush()));
  const mp3 = new Uint8Array(Buffer.concat(chunks));
  const decoder = new MPEGDecoder();
  await decoder.ready;
  const result = decoder.decode(mp3);
  decoder.free();
  const channels = result.channelData.slice(0, clip.channels.length).map((c) => resample(c, result.sampleRate, clip.sampleRate));
  return { bytes: mp3.length, codedRate, ...align(clip, channels) };
}

/** The native part of opusscript (see the module comment for why not its wrapper). */
interface OpusNative {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU16: Uint16Array;
  OpusScriptHandler: new (rate: number, channels: number, application: number) => {
    _encode(pcm: number, samples: number, out: number, frameSize: number): number;
    _decode(packet: number, length: number, pcm: number): number;
    _encoder_ctl(ctl: number, value: number): number;
  } & object;
}

const OPUS_RATE = 48_000;
const OPUS_FRAME = 960;
const OPUS_MAX_PACKET = 1276 * 3;
const OPUS_APPLICATION_AUDIO = 2049;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_VBR = 4006;
const OPUS_SET_SIGNAL = 4024;
const OPUS_SIGNAL_MUSIC = 3002;

let opusNative: OpusNative | undefined;

/** Opus at `kbps`, hard CBR, music mode, 48 kHz (see the module comment). */
export async function opusRoundTrip(clip: AudioClip, kbps: number): Promise<AudioRoundTrip> {
  if (clip.channels.length > 2) throw new RangeError('the bench codes Opus with 1 or 2 channels');
  opusNative ??= (createRequire(import.meta.url)('opusscript/build/opusscript_native_wasm.js') as () => OpusNative)();
  const native = opusNative;
  const channels = clip.channels.length;
  const input = clip.channels.map((c) => toInt16(resample(c, clip.sampleRate, OPUS_RATE)));
  const length = input[0]!.length;
  const handler = new native.OpusScriptHandler(OPUS_RATE, channels, OPUS_APPLICATION_AUDIO);
  for (const [ctl, value] of [[OPUS_SET_BITRATE, kbps * 1000], [OPUS_SET_VBR, 0], [OPUS_SET_SIGNAL, OPUS_SIGNAL_MUSIC]] as const) {
    if (handler._encoder_ctl(ctl, value) < 0) throw new Error(`opus: encoder control ${ctl} failed`);
  }
  // The native handler takes and gives 16-bit little-endian PCM one BYTE per uint16 element (the layout its
  // wrapper's Buffer copies produce), at the byte address it is passed, with the length in bytes.
  const frameBytes = OPUS_FRAME * channels * 2;
  const pcm = native._malloc(2 * frameBytes);
  const packet = native._malloc(OPUS_MAX_PACKET);
  const out = native._malloc(2 * frameBytes * 6);
  const frameView = new DataView(new ArrayBuffer(frameBytes));
  let bytes = 0;
  const decoded = Array.from({ length: channels }, () => new Float32Array(Math.ceil(length / OPUS_FRAME) * OPUS_FRAME));
  try {
    for (let frame = 0; frame * OPUS_FRAME < length; frame++) {
      for (let i = 0; i < OPUS_FRAME; i++) {
        for (let c = 0; c < channels; c++) frameView.setInt16(2 * (i * channels + c), input[c]![frame * OPUS_FRAME + i] ?? 0, true);
      }
      const frameBytesIn = new Uint8Array(frameView.buffer);
      for (let i = 0; i < frameBytes; i++) native.HEAPU16[(pcm >> 1) + i] = frameBytesIn[i]!;
      const size = handler._encode(pcm, frameBytes, packet, OPUS_FRAME);
      if (size < 0) throw new Error(`opus: encode error ${size}`);
      bytes += size;
      const samples = handler._decode(packet, size, out);
      if (samples < 0) throw new Error(`opus: decode error ${samples}`);
      const got = new DataView(Uint8Array.from(native.HEAPU16.subarray(out >> 1, (out >> 1) + 2 * samples * channels)).buffer);
      for (let i = 0; i < samples; i++) {
        for (let c = 0; c < channels; c++) decoded[c]![frame * OPUS_FRAME + i] = got.getInt16(2 * (i * channels + c), true) / 32768;
      }
    }
  } finally {
    native._free(pcm);
    native._free(packet);
    native._free(out);
    (native.OpusScriptHandler as unknown as { destroy_handler(h: object): void }).destroy_handler(handler);
  }
  return { bytes, codedRate: OPUS_RATE, ...align(clip, decoded.map((c) => resample(c, OPUS_RATE, clip.sampleRate))) };
}

/**
 * `decoded` shifted earlier by the lag in 0 … MAX_ALIGN_LAG that maximizes
 * its cross-correlation with `source` (all channels, the first ALIGN_WINDOW samples), then cut or
 * zero-padded to the source length.
 */
export function align(source: AudioClip, decoded: readonly Float32Array[]): { decoded: AudioClip; lag: number } {
  const length = source.channels[0]!.length;
  let best = { lag: 0, score: -Infinity };
  for (let lag = 0; lag <= MAX_ALIGN_LAG; lag++) {
    let score = 0;
    source.channels.forEach((x, c) => {
      const y = decoded[c]!;
      const n = Math.min(length, y.length - lag, ALIGN_WINDOW);
      for (let i = 0; i < n; i++) score += x[i]! * y[i + lag]!;
    });
    if (score > best.score) best = { lag, score };
  }
  const channels = decoded.map((y) => {
    const out = new Float32Array(length);
    out.set(y.subarray(best.lag, best.lag + length));
    return out;
  });
  return { decoded: { sampleRate: source.sampleRate, channels }, lag: best.lag };
}

