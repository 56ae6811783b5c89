import type { ArgumentsCamelCase, Argv } from 'yargs';
import { encodeImage } from '../encoder/image/encode-image.js';
import { engineFromFlag } from './engine-option.js';
import { formatPsnr, reportPsnr } from '../metrics/psnr.js';
import { checkOutput, checkOutputNamed, defaultOutputName, readInput, warnIfMisnamed, writeOutput, labelOf, shownName, STANDARD_STREAM } from '../node/files.js';
import { readPhoto } from '../io/image-io.js';
import { withTrainingProgress } from './progress.js';
import { parseEncodeOptions, restartsText, withEncodeOptions } from './encode-options.js';
import { usageError } from '../node/errors.js';
import { DEFAULT_BPP } from '../encoder/image/image-defaults.js';
import { DEFAULT_KBPS, DEFAULT_SEGMENT_SECONDS, MIN_SEGMENT_SECONDS } from '../encoder/audio/audio-defaults.js';
import { isAudioInput } from './audio-input.js';
import { encodeAudioFile } from './encode-audio.js';
import { rateMissWarning, reportRate, starvedNetworkReport } from '../node/rate-warnings.js';
import { inputArgument, outputArgument } from './validate.js';
import { withExamples } from './examples.js';

export const encodeCommand = {
  command: 'encode <input>',
  describe: 'Fit a neural field to an image or a WAV clip and write it as .snf',
  builder: (yargs: Argv) => withExamples(withEncodeOptions(yargs
    .positional('input', { type: 'string', describe: 'Image (PNG, JPEG, WebP, TIFF, …) or WAV audio to encode, told apart by content; - reads standard input', demandOption: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Output file; - writes standard output [default: input name with .snf; needed with standard input]' })
    .option('kbps', { type: 'string', describe: `Audio: target size in kilobits per second of audio, whole file (±5 %), above 0 and at most 100000 [default: ${DEFAULT_KBPS}]` })
    .option('segment', { type: 'string', describe: `Audio: seconds of audio per network, ${MIN_SEGMENT_SECONDS} to 3600; the audio defaults of the other flags are in docs/audio.md [default: ${DEFAULT_SEGMENT_SECONDS}]` }))
    .option('json', { type: 'boolean', describe: 'Print one JSON object with the result on stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress bar' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Overwrite an existing output' }), [
      ['$0 encode photo.png', 'writes photo.snf at about 1 bpp'],
      ['$0 encode photo.png --bpp 0.5 --steps 2000 -o small.snf', 'smaller file, longer fit'],
      ['$0 encode photo.png --bpp 1 --time 60 --json', 'best 1 bpp file within a minute'],
    ]),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const input = inputArgument(argv.input);
    // Validate every flag before reading or training anything.
    const { engine: engineName, metadata, autoOrient, keepMetadata: keep, ...options } = parseEncodeOptions(argv);
    const named = outputArgument(argv.output);
    checkOutputNamed(input, named);
    const output = named ?? defaultOutputName(input, '.snf');
    if (output === STANDARD_STREAM && argv.json === true) throw usageError('--json prints its result on standard output, where -o - writes the file: name a file with -o, or leave out --json');
    const engine = await engineFromFlag(engineName);
    const bytes = await readInput(input);
    // Audio or image by content, not by extension.
    if (isAudioInput(bytes)) {
      for (const [flag, value] of [['tune', options.tune], ['residual', options.residual], ['allocation', options.allocation]] as const) {
        if (value !== undefined) throw usageError(`--${flag} is for images; ${shownName(input, 'input')} is a WAV file`);
      }
      // --overlap stays: in a clip it is the segments' cross-fade, in samples (docs/audio.md).
      const { bpp: _bpp, tiles: _tiles, tileEdges: _tileEdges, allocation: _allocation, tune: _tune, filter: _filter, residual: _residual, ...shared } = options;
      return encodeAudioFile(argv, input, output, bytes, shared, engine);
    }
    if (argv.kbps !== undefined || argv.segment !== undefined) throw usageError(`--${argv.kbps !== undefined ? 'kbps' : 'segment'} is for audio; ${shownName(input, 'input')} is not a WAV file (use --bpp, --tiles)`);
    // Input problems first: they are the likelier mistake, and decoding the image is cheap next to the fit.
    const keepMetadata = keep === true;
    const photo = await readPhoto(bytes, input, { autoOrient: autoOrient !== false, keepMetadata });
    const image = photo.image;
    await checkOutput(output, input, argv.force === true);
    warnIfMisnamed(output, argv.quiet === true);
    if (argv.quiet !== true) for (const notice of photo.notices) process.stderr.write(`snfc: notice: ${notice}\n`);
    const result = await withTrainingProgress(argv.quiet === true || argv.json === true, engine.name, (onStep) => encodeImage(image, {
      ...options, metadata, ...(keepMetadata ? { photoMetadata: photo.metadata } : {}), engine: engine.factory, onStep,
    }));
    await writeOutput(output, result.bytes, argv.force === true);
    const bpp = (result.bytes.length * 8) / (image.width * image.height);
    if (argv.json === true) {
      process.stdout.write(JSON.stringify({
        input, output, kind: 'image', bytes: result.bytes.length, bpp, ...reportPsnr(result.psnr), steps: result.steps, batch: result.batch, seconds: result.seconds,
        params: result.params, width: result.arch.width, widths: result.widths, ...tilePsnrRange(result.tilePsnrs), depth: result.arch.depth, fourier: result.arch.fourier ?? 0, bits: result.bits,
        alpha: result.alpha, engine: result.engine, backend: engine.backend, lr: result.lr, schedule: result.schedule, weightDecay: result.weightDecay, seed: result.seed, restarts: result.restarts, qatSteps: result.qatSteps,
        tiles: `${result.tiles.columns}x${result.tiles.rows}`, overlap: result.overlap, tune: result.tune, bitsPerParam: result.bitsPerParam, metadataBytes: result.metadataBytes,
        filterClasses: result.filterClasses, filterDirections: result.filterDirections, ...(result.filterClasses > 0 ? { unfilteredPsnr: reportPsnr(result.unfilteredPsnr).psnr } : {}),
        residualBytes: result.residualBytes, ...(result.residualBytes > 0 ? { networkPsnr: reportPsnr(result.networkPsnr).psnr } : {}),
        finalFilterClasses: result.finalFilterClasses, ...(result.finalFilterClasses > 0 ? { residualPsnr: reportPsnr(result.residualPsnr).psnr } : {}),
        ...(result.meanNetworks === undefined ? {} : { meanNetworks: { fittedPsnr: reportPsnr(result.meanNetworks.fittedPsnr).psnr } }),
        ...(result.rateHit === undefined ? {} : { targetBpp: options.bpp ?? DEFAULT_BPP, rateHit: result.rateHit }),
      }) + '\n');
    } else if (argv.quiet !== true) {
      process.stderr.write(`${labelOf(output, 'output')}: ${result.bytes.length} bytes, ${bpp.toFixed(3)} bpp, ${formatPsnr(result.psnr)} ` +
        `(${result.engine}, ${networksText(result)}, ${result.tiles.columns}x${result.tiles.rows} tiles${result.overlap > 0 ? ` overlapping ${result.overlap} px` : ''}${filterText(result)}${residualText(result)}, ${result.bitsPerParam.toFixed(2)} bits/param, ${result.steps}+${result.qatSteps} steps${restartsText(result.restarts)}, ${result.seconds.toFixed(1)} s` +
        `${keepMetadata ? `; metadata kept: ${result.metadataBytes} bytes` : ''})\n`);
    }
    // Even with --quiet or --json: a file off its target rate is a surprise (on stderr, so --json stays parseable).
    // The rate control sizes the file without the kept metadata, and so does the warning.
    const imageBpp = ((result.bytes.length - result.metadataBytes) * 8) / (image.width * image.height);
    const subject = result.metadataBytes > 0 ? 'the file without its kept metadata' : 'the file';
    reportRate(result, imageBpp, options.bpp ?? DEFAULT_BPP, 'bpp', argv.quiet === true, (bpp, asked) => rateMissWarning(bpp, asked, subject));
    const starved = starvedNetworkReport(result, image.width * image.height, options.bpp ?? DEFAULT_BPP, options.residual, argv.quiet === true);
    if (starved !== undefined) process.stderr.write(starved + '\n');
  },
};

/**
 * `, residual 4,812 bytes +0.97 dB`: the DCT residual's share and what it brought, when the file has one; then
 * `, final filter +0.21 dB`, what the final filter after it brought, when the file has one.
 */
function residualText(result: { residualBytes: number; psnr: number; networkPsnr: number; residualPsnr: number; finalFilterClasses: number }): string {
  if (result.residualBytes === 0) return '';
  const final = result.finalFilterClasses > 0 ? `, final filter ${gainText(result.psnr, result.residualPsnr)}` : '';
  return `, residual ${result.residualBytes} bytes ${gainText(result.residualPsnr, result.networkPsnr)}${final}`;
}

/** What a step of the decode gained, `+0.31 dB`; `to lossless` where it made the decode exact (an infinite PSNR). */
function gainText(after: number, before: number): string {
  if (after === Infinity) return before === Infinity ? '+0.00 dB' : 'to lossless';
  return `${after >= before ? '+' : ''}${(after - before).toFixed(2)} dB`;
}

/** `, filter +0.31 dB`: what the restoration filter took back, when the file has one. */
function filterText(result: { filterClasses: number; networkPsnr: number; unfilteredPsnr: number }): string {
  return result.filterClasses > 0 ? `, filter ${gainText(result.networkPsnr, result.unfilteredPsnr)}` : '';
}

/**
 * `width 24, depth 4, Fourier 6`: the networks in the file; where they hold the image's mean (the residual alone
 * decoded better), says so, and what the fitted ones were.
 */
function networksText(result: { widths: readonly number[]; arch: { depth: number; fourier?: number }; meanNetworks?: unknown }): string {
  const fitted = `${widthsText(result.widths)}, depth ${result.arch.depth}, Fourier ${result.arch.fourier ?? 0}`;
  return result.meanNetworks === undefined ? fitted : `networks holding the image's mean (fitted: ${fitted})`;
}

/** `width 24`, or `widths 9–40` when the tiles' networks differ. */
function widthsText(widths: readonly number[]): string {
  const least = Math.min(...widths);
  const most = Math.max(...widths);
  return least === most ? `width ${least}` : `widths ${least}–${most}`;
}

/** The worst and best tile's PSNR, as reported (a lossless tile is capped like the image's PSNR). */
function tilePsnrRange(tilePsnrs: readonly number[]): { tilePsnrMin: number; tilePsnrMax: number } {
  return { tilePsnrMin: reportPsnr(Math.min(...tilePsnrs)).psnr, tilePsnrMax: reportPsnr(Math.max(...tilePsnrs)).psnr };
}
