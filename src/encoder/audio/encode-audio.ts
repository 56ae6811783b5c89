import { clipLength, type AudioClip } from '../../audio.js';
import { parameterCount, type SirenArch } from '../../kernels/arch.js';
import { initKernels, selectForward } from '../../kernels/forward-select.js';
import { encodedInputs, MAX_FOURIER_LEVELS } from '../../kernels/input-encoding.js';
import { renderAudio } from '../../kernels/render-audio.js';
import {
  DEFAULT_LIMITS, gridRegions, inspectSnf, MAX_AUDIO_CHANNELS, networkParams, writeSnf, type QuantizedTensor, type SnfHeader,
} from '../../format/index.js';
import { extendRegion } from '../../format/tiling.js';
import { audioPsnr, logSpectralDistance, snr } from '../../metrics/audio.js';
import { architectureForRate, batchRowsFor, defaultAlpha, QAT_STEP_FRACTION } from '../network/network-defaults.js';
import { EncodeOptionsError } from '../options-error.js';
import { checkFitSettings, FIT_SETTING_NAMES, trainNetworks, type EncodeResultCommon, type FitSettings, type TrainingSet } from '../network/fit-networks.js';
import { checkOptionNames } from '../option-names.js';
import { checkFunctionOptions, checkNumberOptions, described, NUMBER_OPTIONS } from '../option-values.js';
import { withinRate } from '../network/rate-control.js';
import { shufflePoints } from '../network/training-points.js';
import { rememberLast } from '../network/remember-last.js';
import { createWasmEngine } from '../network/wasm-engine.js';
import { gainOctaves, lowerOutput } from './output-gain.js';
import {
  DEFAULT_AUDIO_BATCH, DEFAULT_AUDIO_BITS_PER_PARAM, DEFAULT_AUDIO_DEPTH, DEFAULT_AUDIO_LR, DEFAULT_AUDIO_OMEGA, DEFAULT_AUDIO_STEPS, DEFAULT_AUDIO_WEIGHT_DECAY,
  DEFAULT_KBPS, DEFAULT_OVERLAP, DEFAULT_SEGMENT_SECONDS, defaultAudioFourier, MIN_SEGMENT_SECONDS,
  MIN_SAMPLE_RATE, MAX_SAMPLE_RATE,
} from './audio-defaults.js';

export interface AudioEncodeOptions extends FitSettings {
  /** Target size of the whole file in kilobits per second of audio (±5 %); default 64 when neither `kbps` nor `width` is given. */
  readonly kbps?: number;
  /** Units per sine layer; without `kbps`, quantization is fixed by `bits`. */
  readonly width?: number;
  /** Sine layers; default DEFAULT_AUDIO_DEPTH. */
  readonly depth?: number;
  /** With `width` and without `kbps`: quantization bits of the body weights, 2–16 (first layer +4); default 8. */
  readonly bits?: number;
  /** With `kbps` and no `width`: coded bits per weight the networks are sized for. */
  readonly bitsPerParam?: number;
  /** Seconds of audio per network; default DEFAULT_SEGMENT_SECONDS. The clip is split into equal segments (spec §3.5 grid). */
  readonly segmentSeconds?: number;
  /** Crossfade half-width in samples at each join (format 2.1 `blend`); default DEFAULT_OVERLAP, at most half the shortest segment. */
  readonly overlap?: number;
  /** Passes of the fit over every sample of a segment; default DEFAULT_AUDIO_STEPS. */
  readonly steps?: number;
  /** Samples per Adam step (a multiple of 256 after rounding); 0: one step on every sample. */
  readonly batch?: number;
  /** Fourier levels, 0–16; default `defaultAudioFourier` of the segment length. */
  readonly fourier?: number;
  readonly onStep?: (step: number, steps: number, trainingSnr: number) => void;
}

/** Every name of AudioEncodeOptions (the type makes this list whole): what `encodeAudio` accepts. */
const AUDIO_OPTION_NAMES: Readonly<Record<keyof AudioEncodeOptions, true>> = {
  ...FIT_SETTING_NAMES, kbps: true, width: true, depth: true, bits: true, bitsPerParam: true, segmentSeconds: true, overlap: true,
  steps: true, batch: true, fourier: true, onStep: true,
};

export interface AudioEncodeResult extends EncodeResultCommon {
  /** SNR, PSNR (peak-to-peak 2) and log-spectral distance, all in dB, of the decoded file against the input. */
  readonly snr: number;
  readonly psnr: number;
  readonly lsd: number;
  /** Measured rate of the whole file, kilobits per second. */
  readonly kbps: number;
  readonly segments: number;
  /** Samples of crossfade on each side of a join (0: hard joins). */
  readonly overlap: number;
}

/** The segmentation and network `encodeAudio` will fit, before any training. */
export interface AudioPlan {
  readonly segments: number;
  readonly overlap: number;
  readonly arch: SirenArch;
  readonly rateMode: boolean;
  readonly kbps: number;
}

/** Checks a clip's shape: 1–8 channels of equal, non-zero length, finite samples, a positive integer rate. */
export function checkClip(clip: AudioClip): void {
  if (clip === null || typeof clip !== 'object' || !Array.isArray(clip.channels)) {
    throw new EncodeOptionsError(`the clip must be { sampleRate, channels: [Float32Array, …] }; got ${clip === null || typeof clip !== 'object' ? described(clip) : `channels ${described(clip.channels)}`}`);
  }
  clip.channels.forEach((channel: unknown, c) => {
    // Integer PCM (an Int16Array of ±32767) would be taken as floats far out of range, and decode clipped to ±1.
    if (!(channel instanceof Float32Array || channel instanceof Float64Array || Array.isArray(channel))) {
      throw new EncodeOptionsError(`channel ${c} must hold float samples in [-1, 1] (a Float32Array); got ${ArrayBuffer.isView(channel) ? `${/^[AEIOU]/.test(channel.constructor.name) ? 'an' : 'a'} ${channel.constructor.name}: scale integer PCM to [-1, 1] first` : described(channel)}`);
    }
  });
  const length = clipLength(clip);
  if (!Number.isInteger(clip.sampleRate) || clip.sampleRate < MIN_SAMPLE_RATE || clip.sampleRate > MAX_SAMPLE_RATE) {
    throw new EncodeOptionsError(`sampleRate must be a whole number of samples per second from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}; got ${described(clip.sampleRate)}`);
  }
  if (clip.channels.length < 1 || clip.channels.length > MAX_AUDIO_CHANNELS) throw new EncodeOptionsError(`a clip has 1 to ${MAX_AUDIO_CHANNELS} channels; this one has ${clip.channels.length}`);
  if (length < 1) throw new EncodeOptionsError('the clip has no samples');
  if (length > DEFAULT_LIMITS.maxAudioLength) throw new EncodeOptionsError(`the clip has ${length} samples per channel; a file holds at most ${DEFAULT_LIMITS.maxAudioLength}`);
  clip.channels.forEach((channel, c) => {
    if (channel.length !== length) throw new EncodeOptionsError(`channel ${c} has ${channel.length} samples, channel 0 has ${length}`);
    for (let i = 0; i < channel.length; i++) {
      if (!Number.isFinite(channel[i]!)) throw new EncodeOptionsError(`channel ${c} sample ${i} is ${String(channel[i])}; samples must be finite`);
    }
  });
}

/** Segments, overlap and network for `clip` under `options` (validates them). */
export function planAudioEncode(clip: AudioClip, options: AudioEncodeOptions = {}): AudioPlan {
  checkClip(clip);
  const length = clipLength(clip);
  const segmentSeconds = options.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  if (!(segmentSeconds >= MIN_SEGMENT_SECONDS)) throw new EncodeOptionsError(`segment length must be at least ${MIN_SEGMENT_SECONDS} s; got ${String(segmentSeconds)}`);
  const segments = Math.min(length, DEFAULT_LIMITS.maxNetworks, Math.max(1, Math.round(length / (segmentSeconds * clip.sampleRate))));
  const shortest = Math.floor(length / segments);
  // One segment has no join to cross-fade: no `blend` key by default.
  const overlap = options.overlap ?? (segments === 1 ? 0 : Math.min(DEFAULT_OVERLAP, Math.floor(shortest / 2)));
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > Math.floor(shortest / 2)) {
    throw new EncodeOptionsError(`overlap must be a whole number of samples from 0 to half the shortest segment (${Math.floor(shortest / 2)}); got ${String(overlap)}`);
  }
  const fourier = options.fourier ?? defaultAudioFourier(Math.ceil(length / segments) + 2 * overlap);
  if (!Number.isInteger(fourier) || fourier < 0 || fourier > MAX_FOURIER_LEVELS) {
    throw new EncodeOptionsError(`fourier must be a whole number of levels from 0 to ${MAX_FOURIER_LEVELS}; got ${String(fourier)}`);
  }
  if (options.bits !== undefined && (options.width === undefined || options.kbps !== undefined)) {
    throw new EncodeOptionsError('bits fixes the quantization of a network of given width: give it with width and without kbps');
  }
  const rateMode = options.kbps !== undefined || options.width === undefined;
  const kbps = options.kbps ?? DEFAULT_KBPS;
  if (!(kbps > 0)) throw new EncodeOptionsError(`kbps must be positive; got ${String(kbps)}`);
  const depth = options.depth ?? DEFAULT_AUDIO_DEPTH;
  const omega = options.omega ?? DEFAULT_AUDIO_OMEGA;
  const inputs = encodedInputs(1, fourier);
  const outputs = clip.channels.length;
  const arch: SirenArch = options.width !== undefined
    ? { inputs, outputs, width: options.width, depth, omega, fourier }
    : {
      ...architectureForRate({
        bpp: (kbps * 1000) / clip.sampleRate, pixels: length, inputs, outputs, networks: segments, depth, omega,
        bitsPerParam: options.bitsPerParam ?? DEFAULT_AUDIO_BITS_PER_PARAM,
      }),
      fourier,
    };
  const total = segments * parameterCount(arch);
  if (arch.width > DEFAULT_LIMITS.maxUnits || arch.depth > DEFAULT_LIMITS.maxDepth || total > DEFAULT_LIMITS.maxParameters) {
    throw new EncodeOptionsError(`width ${arch.width}, depth ${arch.depth} in ${segments} segment(s) is ${total} parameters; a file holds at most ${DEFAULT_LIMITS.maxParameters} (width ≤ ${DEFAULT_LIMITS.maxUnits}, depth ≤ ${DEFAULT_LIMITS.maxDepth})` +
      (rateMode && options.width === undefined ? `: for a clip this long ask for fewer kbps than ${kbps}, or split it` : ''));
  }
  return { segments, overlap, arch, rateMode, kbps };
}

/**
 * The training set of one segment: every sample of its extended region
 * (cell ± overlap, spec §3.5), at its coordinate in that region (spec §4.4),
 * channels interleaved, times `gain` (output-gain.ts). Samples beyond ±1 (a float WAV's overs) are fitted as
 * ±1, what the decoder gives at most: one sample of 1e30 had made the whole
 * segment's fit chase it, and the decode a full-scale constant.
 */
export function segmentData(clip: AudioClip, cell: readonly number[], overlap: number, gain = 1): { coords: Float32Array; targets: Float32Array } {
  const length = clipLength(clip);
  const [e0, e1] = extendRegion(cell, [length], [overlap]) as [number, number];
  const n = e1 - e0;
  const channels = clip.channels.length;
  const coords = new Float32Array(n);
  const targets = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    coords[i] = (2 * (i + 0.5)) / n - 1;
    for (let c = 0; c < channels; c++) targets[i * channels + c] = gain * Math.max(-1, Math.min(1, clip.channels[c]![e0 + i]!));
  }
  return { coords, targets };
}

/**
 * Fits one WS-initialized SIREN per segment of `clip` (time → one output per
 * channel), quantizes and codes them into a .snf file of `kbps` kilobits per
 * second (or at fixed bits), and measures the decoded result.
 */
export async function encodeAudio(clip: AudioClip, options: AudioEncodeOptions = {}): Promise<AudioEncodeResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  checkOptionNames(options, AUDIO_OPTION_NAMES, 'audio');
  checkFunctionOptions(options, ['engine', 'onStep']);
  checkNumberOptions(options, { ...NUMBER_OPTIONS, kbps: { min: 0, max: 100_000, above: true }, segmentSeconds: { min: MIN_SEGMENT_SECONDS, max: 3600 } });
  const { warmup, schedule, weightDecay, restarts } = checkFitSettings(options, 'sample', DEFAULT_AUDIO_WEIGHT_DECAY);
  const { segments, overlap, arch, rateMode, kbps } = planAudioEncode(clip, options);
  const length = clipLength(clip);
  const channels = clip.channels.length;
  const alpha = options.alpha ?? defaultAlpha(arch.width);
  const lr = options.lr ?? DEFAULT_AUDIO_LR;
  const seed = options.seed ?? 1;
  const unbounded = options.steps === undefined && options.timeLimitSeconds !== undefined;
  const steps = options.steps ?? (unbounded ? 1_000_000 : DEFAULT_AUDIO_STEPS);
  const qatSteps = options.qatSteps ?? (unbounded ? 100 : Math.max(10, Math.round(steps * QAT_STEP_FRACTION)));
  const cells = gridRegions([length], [segments]);
  // A quiet clip is fitted raised by 2^octaves, and its output layers' steps lowered by as much (output-gain.ts).
  const octaves = gainOctaves(clip);
  const sets: TrainingSet[] = cells.map((cell, index) => {
    const data = segmentData(clip, cell, overlap, 2 ** octaves);
    const batchRows = batchRowsFor(data.coords.length, options.batch ?? DEFAULT_AUDIO_BATCH);
    return { ...(batchRows === undefined ? data : shufflePoints(data, seed + index, 1)), batchRows };
  });
  const batch = Math.max(...sets.map((set) => set.batchRows ?? set.coords.length));

  const headerFor = (quality: number, fitSteps: number, engine: string): SnfHeader => ({
    kind: 'audio', sampleRate: clip.sampleRate, length, channels, colorSpace: 'linear', normalization: 'identity',
    ...(overlap > 0 ? { blend: { overlap: [overlap] } } : {}),
    ...(options.metadata === true ? { train: {
      steps: fitSteps, batch, alpha, lr, schedule, seed, psnr: Math.round(quality * 1000) / 1000, engine, init: 'ws',
    } } : {}),
  });
  // Steps per unit (format 5) only when asked: on bach.wav they moved the SNR by −0.03 to +0.10 dB and made the
  // log-spectral distance 1.5 and 0.6 dB worse at 32 and 64 kbit/s (docs/audio.md), so audio keeps one step a tensor (4.x).
  const unitScales = rateMode && options.unitScales === true;
  // The trainer's tensors are of the raised clip's fit; a file's and a decode's, of the clip.
  const fileFor = (tensors: QuantizedTensor[][], header: SnfHeader): Uint8Array =>
    writeSnf({ header, networks: cells.map((region, n) => ({ region, arch, tensors: lowerOutput(tensors[n]!, octaves), unitScales })), sharedContexts: true });
  const targetBytes = (kbps * 1000 * length) / clip.sampleRate / 8;
  // The clip as the decoder renders the networks of `tensors`.
  const decodedBy = rememberLast(async (tensors: QuantizedTensor[][]): Promise<AudioClip> => {
    await initKernels();
    const rendered = cells.map((region, n) => ({ region: region as [number, number], arch, params: networkParams({ arch, tensors: lowerOutput(tensors[n]!, octaves), unitScales }) }));
    return { sampleRate: clip.sampleRate, channels: await renderAudio({ length, channels, overlap }, rendered, length, 0, length, selectForward()) };
  });
  const trained = await trainNetworks({
    arch, dims: 1, sets, alpha, lr, schedule, seed, restarts, steps, qatSteps, warmup, weightDecay, createEngine: options.engine ?? createWasmEngine,
    timeLimitSeconds: options.timeLimitSeconds, elapsed, unitScales,
    // The metadata's PSNR is stored at a fixed width, so a placeholder sizes the file to within the few bytes by
    // which the deflated header (spec §2.2) depends on values.
    grid: rateMode ? {
      targetBytes, sizeOf: (tensors, fitted) => fileFor(tensors, headerFor(99.999, fitted.steps, fitted.engine)).length,
      exact: async (tensors) => audioPsnr(clip, await decodedBy(tensors)) === Infinity,
    } : { bits: options.bits ?? 8 },
    onStep: (done, total, loss) => options.onStep?.(done, total, 10 * Math.log10((meanSquare(clip) * 4 ** octaves) / loss)),
  });

  const decoded = await decodedBy(trained.tensors);
  const quality = audioPsnr(clip, decoded);
  const bytes = fileFor(trained.tensors, headerFor(quality, trained.fitSteps, trained.engine));
  const params = segments * parameterCount(arch);
  return {
    bytes, snr: snr(clip, decoded), psnr: quality, lsd: logSpectralDistance(clip, decoded),
    kbps: (bytes.length * 8 * clip.sampleRate) / length / 1000, arch, segments, overlap, params,
    bits: Math.max(...trained.tensors.flat().map((t) => t.bits)), bitsPerParam: (8 * inspectSnf(bytes).payloadBytes) / params,
    alpha, lr, schedule, weightDecay, seed, restarts: trained.restarts, steps: trained.fitSteps, batch, qatSteps: trained.qatSteps, seconds: elapsed(), engine: trained.engine,
    // The file as written, not the rate control's placeholder-sized one, says whether the target was hit.
    ...(trained.rateHit === undefined ? {} : { rateHit: withinRate(bytes.length, targetBytes) }),
  };
}

/** Mean of x² over every sample (at least a tiny floor, so silence gives a finite training SNR). */
function meanSquare(clip: AudioClip): number {
  let sum = 0;
  let count = 0;
  for (const channel of clip.channels) {
    for (let i = 0; i < channel.length; i++) sum += channel[i]! * channel[i]!;
    count += channel.length;
  }
  return Math.max(sum / count, 1e-12);
}
