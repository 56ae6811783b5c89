import { initKernels, selectForward } from '../kernels/forward-select.js';
import { outputSpan, renderAudio } from '../kernels/render-audio.js';
import type { ForwardFunction } from '../kernels/render.js';
import { checkKeys, DEFAULT_LIMITS, networkParams, SnfFormatError, type AudioRegion, type AudioHeader, type SnfFile, type SnfLimits } from '../format/index.js';
import { fileOf } from './file-of.js';

/**
 * Default of `maxOutputSamples`: 2^27 output samples over all channels
 * (512 MiB as float32; 25 minutes of 44.1 kHz stereo), checked before the
 * output is allocated.
 */
export const DEFAULT_MAX_OUTPUT_SAMPLES = 2 ** 27;

/** What `decodeAudio` refuses: the file limits of spec §8 plus the output size. */
export interface AudioDecodeLimits extends SnfLimits {
  /** Most output samples, all channels together. Default DEFAULT_MAX_OUTPUT_SAMPLES. */
  readonly maxOutputSamples: number;
}

/** Which samples to decode: at what rate, and which stretch of the clip. */
export interface AudioDecodeRequest {
  /** Output samples per second; default the file's. The field is evaluated at the new sample times. */
  readonly sampleRate?: number;
  /** First second of the clip to decode; default 0. */
  readonly start?: number;
  /** Second to stop at (exclusive); default the end of the clip. */
  readonly end?: number;
}

/** A decoded clip: one Float32Array per channel, samples on [-1, 1]. */
export interface DecodedAudio {
  readonly sampleRate: number;
  readonly channels: Float32Array[];
}

/** The output grid of a request: output samples [first, end) of a clip of `outLength` samples at `sampleRate`. */
export function decodedSpan(header: Pick<AudioHeader, 'sampleRate' | 'length'>, request: AudioDecodeRequest = {}): {
  sampleRate: number; outLength: number; first: number; end: number;
} {
  const invalid = (what: string, value: unknown): never => {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected ${what} but received ${String(value)}`);
  };
  const sampleRate = request.sampleRate ?? header.sampleRate;
  if (typeof sampleRate !== 'number' || !Number.isSafeInteger(sampleRate) || sampleRate < 1) invalid('an integer ≥ 1 for sampleRate', sampleRate);
  const duration = header.length / header.sampleRate;
  const start = request.start ?? 0;
  const stop = request.end ?? duration;
  if (typeof start !== 'number' || !Number.isFinite(start) || start < 0 || start >= duration) invalid(`a start from 0 to below the clip's ${duration} s`, start);
  if (typeof stop !== 'number' || !(stop > start)) invalid(`an end after start (${start} s)`, stop);
  const outLength = Math.max(1, Math.round((header.length * sampleRate) / header.sampleRate));
  const first = Math.min(outLength - 1, Math.round(start * sampleRate));
  const end = Math.max(first + 1, Math.min(outLength, Math.round(Math.min(stop, duration) * sampleRate)));
  return { sampleRate, outLength, first, end };
}

/**
 * Decodes an audio .snf file to float channels, at its own sample rate or
 * at `request.sampleRate` (the fields are evaluated at the new sample
 * times, spec §4.4), over the whole clip or [start, end) seconds; only the
 * networks whose regions that stretch touches are evaluated.
 *
 * Hostile input is safe: the file is checked completely (spec §7) and its
 * limits applied before anything sized by its header is allocated, and the
 * output size is checked against `limits.maxOutputSamples` before rendering.
 *
 * @param source  the file's bytes, or the file as `readSnf` read it (as for `decodeImage`)
 * @throws SnfFormatError for any problem of the file (its spec §9 code),
 *   `LIMIT_EXCEEDED` for an output over `maxOutputSamples`, `INVALID_ARGUMENT`
 *   for a request or limit that is not a valid value, `UNSUPPORTED_FEATURE` for an image file.
 * @example
 *   const { sampleRate, channels } = await decodeAudio(bytes, { sampleRate: 48000, start: 1, end: 2 });
 */
export async function decodeAudio(
  source: Uint8Array | SnfFile, request: AudioDecodeRequest = {}, limits?: Partial<AudioDecodeLimits>, options: { readonly forward?: ForwardFunction } = {},
): Promise<DecodedAudio> {
  checkKeys(limits, 'limits', [...Object.keys(DEFAULT_LIMITS), 'maxOutputSamples']);
  checkKeys(options, 'options', ['forward']);
  const { maxOutputSamples = DEFAULT_MAX_OUTPUT_SAMPLES, ...fileLimits } = limits ?? {};
  if (typeof maxOutputSamples !== 'number' || !(maxOutputSamples >= 0)) {
    throw new SnfFormatError('INVALID_ARGUMENT', `Expected a number ≥ 0 for limits.maxOutputSamples but received ${String(maxOutputSamples)}`);
  }
  if (typeof request !== 'object' || request === null) throw new SnfFormatError('INVALID_ARGUMENT', `Expected { sampleRate, start, end } but received ${String(request)}`);
  checkKeys(request, 'request', ['sampleRate', 'start', 'end'], { rate: 'sampleRate' });
  const file = fileOf(source, fileLimits);
  const header = file.header;
  if (header.kind !== 'audio') throw new SnfFormatError('UNSUPPORTED_FEATURE', 'this file holds an image, not audio');
  const { sampleRate, outLength, first, end } = decodedSpan(header, request);
  if ((end - first) * header.channels > maxOutputSamples) {
    throw new SnfFormatError('LIMIT_EXCEEDED',
      `the output would be ${end - first} samples × ${header.channels} channel(s), over the limit maxOutputSamples = ${maxOutputSamples}`);
  }
  await initKernels();
  // Dequantize only the networks whose frames the output span reaches.
  const networks = file.networks
    .filter((network) => {
      const span = outputSpan(header.length, outLength, network.frame[0]!, network.frame[1]!);
      return span.first < end && span.end > first;
    })
    .map((network) => ({ region: network.region as AudioRegion, arch: network.arch, params: networkParams(network) }));
  const channels = await renderAudio(
    { length: header.length, channels: header.channels, overlap: header.blend?.overlap[0] ?? 0 }, networks, outLength, first, end, options.forward ?? selectForward(),
  );
  return { sampleRate, channels };
}
