import type { ArgumentsCamelCase } from 'yargs';
import { encodeAudio } from '../encoder/audio/encode-audio.js';
import { DEFAULT_KBPS, MIN_SEGMENT_SECONDS } from '../encoder/audio/audio-defaults.js';
import type { ResolvedEngine } from '../encoder/network/engines.js';
import { oversNotice, readAudioInput } from './audio-input.js';
import { restartsText } from './encode-options.js';
import { usageError } from '../node/errors.js';
import { howFarFrom, reportRate } from '../node/rate-warnings.js';
import { PSNR_REPORT_CAP, reportPsnr } from '../metrics/psnr.js';
import { checkOutput, warnIfMisnamed, writeOutput, labelOf, shownName } from '../node/files.js';
import { withTrainingProgress } from './progress.js';
import { numberIn, positiveNumber } from './validate.js';
import { plural } from './words.js';

/** The options `encode` shares between images and audio, already validated. */
export interface SharedEncodeOptions {
  readonly width?: number;
  readonly depth?: number;
  readonly bits?: number;
  readonly steps?: number;
  readonly batch?: number;
  readonly warmup?: number;
  readonly fourier?: number;
  readonly alpha?: number;
  readonly omega?: number;
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly seed?: number;
  readonly restarts?: number;
  readonly overlap?: number;
  readonly timeLimitSeconds?: number;
}

/** The warning for a file whose size missed `--kbps` by more than the tolerance. */
export function kbpsMissWarning(kbps: number, target: number): string {
  return `snfc: warning: the file is ${kbps.toFixed(1)} kbps, ${howFarFrom(kbps, target)} the ${target} kbps asked` +
    (kbps > target ? ': even coarsely quantized it needs more for this clip; ask for a higher --kbps' : '; try another --width or --segment');
}

/** `snfc encode clip.wav`: the audio half of the encode command. */
export async function encodeAudioFile(
  argv: ArgumentsCamelCase<Record<string, unknown>>, input: string, output: string, bytes: Uint8Array, shared: SharedEncodeOptions, engine: ResolvedEngine,
): Promise<void> {
  for (const flag of ['bpp', 'tiles', 'tile-edges', 'filter', 'keepMetadata'] as const) {
    if (argv[flag] !== undefined && argv[flag] !== false) throw usageError(`--${flag === 'keepMetadata' ? 'keep-metadata' : flag} is for images; ${shownName(input, 'input')} is audio (use --kbps, --segment)`);
  }
  if (argv.autoOrient === false) throw usageError(`--no-auto-orient is for images; ${shownName(input, 'input')} is audio`);
  const kbps = argv.kbps === undefined ? undefined : positiveNumber('kbps', argv.kbps, 100_000);
  // A millisecond at least: a network per few samples would cost more header than samples.
  const segmentSeconds = argv.segment === undefined ? undefined : numberIn('segment', argv.segment, MIN_SEGMENT_SECONDS, 3600);
  if (shared.bits !== undefined && kbps !== undefined) throw usageError('--bits fixes the quantization, --kbps lets the rate control choose it: give one of them');
  const clip = readAudioInput(bytes, input);
  await checkOutput(output, input, argv.force === true);
  warnIfMisnamed(output, argv.quiet === true);
  const overs = oversNotice(clip, input);
  if (overs !== undefined && argv.quiet !== true) process.stderr.write(`snfc: notice: ${overs}\n`);
  // More than the samples themselves take (16-bit PCM) buys nothing a WAV would not give.
  const pcmKbps = (clip.sampleRate * clip.channels.length * 16) / 1000;
  if (kbps !== undefined && kbps > pcmKbps && argv.quiet !== true) {
    process.stderr.write(`snfc: notice: ${kbps} kbps is more than this clip's samples take as 16-bit PCM (${pcmKbps} kbps): a WAV file would be smaller\n`);
  }
  const result = await withTrainingProgress(argv.quiet === true || argv.json === true, engine.name, (onStep) => encodeAudio(clip, {
    ...shared, kbps, segmentSeconds, metadata: argv.metadata === true, engine: engine.factory, onStep,
  }));
  await writeOutput(output, result.bytes, argv.force === true);
  const seconds = clip.channels[0]!.length / clip.sampleRate;
  if (argv.json === true) {
    process.stdout.write(JSON.stringify({
      // An exact decode's infinite SNR and PSNR are reported as the images' are: 100, with `lossless` true.
      input, output, kind: 'audio', bytes: result.bytes.length, kbps: result.kbps, snr: Math.min(result.snr, PSNR_REPORT_CAP), ...reportPsnr(result.psnr), lsd: result.lsd,
      seconds: result.seconds, duration: seconds, sampleRate: clip.sampleRate, channels: clip.channels.length,
      segments: result.segments, overlap: result.overlap, width: result.arch.width, depth: result.arch.depth, fourier: result.arch.fourier ?? 0,
      omega: result.arch.omega, params: result.params, bits: result.bits, bitsPerParam: result.bitsPerParam, steps: result.steps, batch: result.batch,
      qatSteps: result.qatSteps, alpha: result.alpha, lr: result.lr, weightDecay: result.weightDecay, seed: result.seed, restarts: result.restarts, engine: result.engine,
      ...(result.rateHit === undefined ? {} : { targetKbps: kbps ?? DEFAULT_KBPS, rateHit: result.rateHit }),
    }) + '\n');
  } else if (argv.quiet !== true) {
    process.stderr.write(`${labelOf(output, 'output')}: ${result.bytes.length} bytes, ${result.kbps.toFixed(1)} kbps, ${qualityText(result.snr, result.lsd)} ` +
      `(${plural(result.segments, 'segment')}${result.overlap > 0 ? ` overlapping ${result.overlap} samples` : ''}, width ${result.arch.width}, depth ${result.arch.depth}, Fourier ${result.arch.fourier ?? 0}, ` +
      `${result.bitsPerParam.toFixed(2)} bits/param, ${result.steps}+${result.qatSteps} steps${restartsText(result.restarts)}, ${result.seconds.toFixed(1)} s)\n`);
  }
  reportRate(result, result.kbps, kbps ?? DEFAULT_KBPS, 'kbps', argv.quiet === true, kbpsMissWarning);
  // A decode no nearer the clip than silence (a clip of a few samples, a rate or a time far too small): said even
  // with --quiet, as a missed rate is, rather than a result line that reads like any other.
  if (result.snr <= 0 && result.snr !== -Infinity) {
    process.stderr.write(`snfc: warning: the decode is no nearer the clip than silence would be (SNR ${result.snr.toFixed(2)} dB); give it more --kbps, --steps or --time\n`);
  }
}

/** `SNR 29.37 dB, LSD 16.99 dB`; `lossless` for an exact decode; a silent input has no SNR (its signal power is 0). */
function qualityText(snr: number, lsd: number): string {
  if (snr === Infinity) return 'lossless';
  return `SNR ${snr === -Infinity ? 'n/a (silent input)' : `${snr.toFixed(2)} dB`}, LSD ${lsd.toFixed(2)} dB`;
}

