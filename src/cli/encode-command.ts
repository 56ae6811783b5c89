import type { ArgumentsCamelCase, Argv } from 'yargs';
import { encodeImage } from '../encoder/encode-image.js';
import { engineByName, ENGINE_NAMES } from '../encoder/engines.js';
import { checkOutput, defaultOutputName, readInput, writeOutputAtomically } from './files.js';
import { readImage } from './image-io.js';
import { withTrainingProgress } from './progress.js';
import { integerIn, numberIn, oneOf, positiveNumber, sizeFlag } from './validate.js';
import { usageError } from './errors.js';
import { DEFAULT_BPP } from '../encoder/architecture.js';
import { MAX_FOURIER_LEVELS } from '../kernels/input-encoding.js';
import {
  DEFAULT_AUDIO_BATCH, DEFAULT_AUDIO_DEPTH, DEFAULT_AUDIO_LR, DEFAULT_AUDIO_OMEGA, DEFAULT_AUDIO_STEPS, DEFAULT_KBPS, DEFAULT_OVERLAP, DEFAULT_SEGMENT_SECONDS, FOURIER_BELOW_NYQUIST,
} from '../encoder/audio/audio-defaults.js';
import { isAudioInput } from './audio-input.js';
import { encodeAudioFile } from './encode-audio.js';

/** `--tiles CxR`: 1 to 64 tiles a side. */
function tilesFlag(value: unknown): { columns: number; rows: number } {
  const { width, height } = sizeFlag('tiles', value, 64);
  return { columns: width, rows: height };
}

/** The warning for a file whose size missed `--bpp` by more than the tolerance. */
export function rateMissWarning(bpp: number, targetBpp: number): string {
  const off = `${bpp.toFixed(3)} bpp, ${(100 * Math.abs(bpp / targetBpp - 1)).toFixed(0)} % ${bpp > targetBpp ? 'above' : 'below'} the ${targetBpp} bpp asked`;
  return bpp > targetBpp
    ? `snfc: warning: the file is ${off}: even at its coarsest quantization it needs more at this image size; ask for a higher --bpp`
    : `snfc: warning: the file is ${off}: the quantization search could not get closer; try another --width or --depth`;
}

export const encodeCommand = {
  command: 'encode <input>',
  describe: 'Fit a neural field to an image or a WAV clip and write it as .snf',
  builder: (yargs: Argv) => yargs
    .positional('input', { type: 'string', describe: 'Image (PNG, JPEG, WebP, TIFF, …) or WAV audio to encode, told apart by content', demandOption: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Output file [default: input name with .snf]' })
    .option('bpp', { type: 'string', describe: 'Target size in bits per pixel of the whole file (±5 %); picks width and quantization [default: 1]' })
    .option('kbps', { type: 'string', describe: `Audio: target size in kilobits per second of audio, whole file (±5 %), above 0 and at most 100000 [default: ${DEFAULT_KBPS}]` })
    .option('segment', { type: 'string', describe: `Audio: seconds of audio per network, above 0 and at most 3600 [default: ${DEFAULT_SEGMENT_SECONDS}]` })
    .option('width', { type: 'string', describe: 'Units per sine layer [default: the widest that --bpp (--kbps) allows]' })
    .option('depth', { type: 'string', describe: `Number of sine layers [default: 3; audio ${DEFAULT_AUDIO_DEPTH}]` })
    .option('bits', { type: 'string', describe: 'With --width and no --bpp: quantization bits of the body weights, 2–16 (first layer +4) [default: 8]' })
    .option('tiles', { type: 'string', describe: 'Split the image into COLUMNSxROWS tiles, one network each, or auto: tiles of about 192x128 pixels (1x1 for small images, 4x4 for 768x512) [default: auto]' })
    .option('overlap', { type: 'string', describe: `Pixels (audio: samples) each tile (segment) reaches into its neighbours, blended at decode so that no seam shows; 0: tiles meet edge to edge (a 2.0 file) [default: 4 px with more than one tile; audio ${DEFAULT_OVERLAP} samples]` })
    .option('time', { type: 'string', describe: 'Bound the whole encode to this many seconds; returns the best result within it' })
    .option('steps', { type: 'string', describe: `Passes over every pixel per network, each one Adam step per batch [default: 1000 (audio ${DEFAULT_AUDIO_STEPS}), or as many as --time allows]` })
    .option('batch', { type: 'string', describe: `Pixels per Adam step: each pass steps through random batches of about this many of a tile's pixels (a multiple of 256); 0: one step on every pixel [default: 1536; audio ${DEFAULT_AUDIO_BATCH} samples]` })
    .option('warmup', { type: 'string', describe: 'Fraction of the fit over which the learning rate rises from a tenth of --lr to it, 0 to 0.99 [default: 0.05]' })
    .option('fourier', { type: 'string', describe: `Fourier levels of the input encoding, 0–16: the network also sees sin and cos of 2^k·π·x for k < L (0: plain coordinates) [default: from the tile size: 6 from 128 pixels a side, two fewer per halving (2 for 32x32); audio: from the segment length, ${FOURIER_BELOW_NYQUIST} octave(s) below its Nyquist rate]` })
    .option('alpha', { type: 'string', describe: 'WS init scale α [default: 1 up to width 64, +0.75 per doubling, 2.5 from 256]' })
    .option('omega', { type: 'string', describe: `ω of every sine layer [default: 30; audio ${DEFAULT_AUDIO_OMEGA}]` })
    .option('lr', { type: 'string', describe: `Peak Adam learning rate, cosine-decayed [default: 0.002 with Fourier inputs, 0.003 without; audio ${DEFAULT_AUDIO_LR}]` })
    .option('seed', { type: 'string', describe: 'Initialization seed; same seed, same bytes [default: 1]' })
    .option('engine', { type: 'string', describe: `Compute engine: ${ENGINE_NAMES.join(', ')} [default: auto]` })
    .option('metadata', { type: 'boolean', describe: 'Keep the training settings and PSNR in the file for `snfc info` (about 80 bytes) [default: false]' })
    .option('json', { type: 'boolean', describe: 'Print one JSON object with the result on stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress bar' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Overwrite an existing output' })
    .example('$0 encode photo.png', 'writes photo.snf at about 1 bpp')
    .example('$0 encode photo.png --bpp 0.5 --steps 2000 -o small.snf', 'smaller file, longer fit')
    .example('$0 encode photo.png --bpp 1 --time 60 --json', 'best 1 bpp file within a minute'),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const input = String(argv.input);
    // Validate every flag before reading or training anything.
    const options = {
      bpp: argv.bpp === undefined ? undefined : positiveNumber('bpp', argv.bpp, 64),
      width: argv.width === undefined ? undefined : integerIn('width', argv.width, 1, 1024),
      depth: argv.depth === undefined ? undefined : integerIn('depth', argv.depth, 1, 32),
      bits: argv.bits === undefined ? undefined : integerIn('bits', argv.bits, 2, 16),
      steps: argv.steps === undefined ? undefined : integerIn('steps', argv.steps, 0, 1_000_000),
      batch: argv.batch === undefined ? undefined : integerIn('batch', argv.batch, 0, 1 << 30),
      warmup: argv.warmup === undefined ? undefined : numberIn('warmup', argv.warmup, 0, 0.99),
      fourier: argv.fourier === undefined ? undefined : integerIn('fourier', argv.fourier, 0, MAX_FOURIER_LEVELS),
      alpha: argv.alpha === undefined ? undefined : positiveNumber('alpha', argv.alpha, 100),
      omega: argv.omega === undefined ? undefined : positiveNumber('omega', argv.omega, 1000),
      lr: argv.lr === undefined ? undefined : positiveNumber('lr', argv.lr, 1),
      seed: argv.seed === undefined ? undefined : integerIn('seed', argv.seed, 0, 2 ** 32 - 1),
      tiles: argv.tiles === undefined || argv.tiles === 'auto' ? undefined : tilesFlag(argv.tiles),
      overlap: argv.overlap === undefined ? undefined : integerIn('overlap', argv.overlap, 0, 32768),
      timeLimitSeconds: argv.time === undefined ? undefined : positiveNumber('time', argv.time, 7 * 24 * 3600),
    };
    if (options.bits !== undefined && options.bpp !== undefined) {
      throw usageError('--bits fixes the quantization, --bpp lets the rate control choose it: give one of them');
    }
    if (options.bits !== undefined && options.width === undefined) {
      throw usageError('--bits needs --width (with --bpp alone, the rate control chooses the quantization)');
    }
    const engineName = oneOf('engine', argv.engine ?? 'auto', ENGINE_NAMES);
    const output = typeof argv.output === 'string' ? argv.output : defaultOutputName(input, '.snf');
    const bytes = await readInput(input);
    // Audio or image by content, not by extension.
    if (isAudioInput(bytes)) {
      const { bpp: _bpp, tiles: _tiles, ...shared } = options;
      return encodeAudioFile(argv, input, output, bytes, shared, engineName);
    }
    if (argv.kbps !== undefined || argv.segment !== undefined) throw usageError(`--${argv.kbps !== undefined ? 'kbps' : 'segment'} is for audio; '${input}' is not a WAV file (use --bpp, --tiles)`);
    // Input problems first: they are the likelier mistake, and decoding the image is cheap next to the fit.
    const image = await readImage(bytes, input);
    await checkOutput(output, input, argv.force === true);
    const result = await withTrainingProgress(argv.quiet === true || argv.json === true,
      (onStep) => encodeImage(image, { ...options, metadata: argv.metadata === true, engine: engineByName(engineName), onStep }));
    await writeOutputAtomically(output, result.bytes);
    const bpp = (result.bytes.length * 8) / (image.width * image.height);
    if (argv.json === true) {
      process.stdout.write(JSON.stringify({
        input, output, bytes: result.bytes.length, bpp, psnr: result.psnr, steps: result.steps, batch: result.batch, seconds: result.seconds,
        params: result.params, width: result.arch.width, depth: result.arch.depth, fourier: result.arch.fourier ?? 0, bits: result.bits,
        alpha: result.alpha, engine: result.engine, lr: result.lr, seed: result.seed, qatSteps: result.qatSteps,
        tiles: `${result.tiles.columns}x${result.tiles.rows}`, overlap: result.overlap, bitsPerParam: result.bitsPerParam,
        ...(result.rateHit === undefined ? {} : { targetBpp: options.bpp ?? DEFAULT_BPP, rateHit: result.rateHit }),
      }) + '\n');
    } else if (argv.quiet !== true) {
      process.stderr.write(`${output}: ${result.bytes.length} bytes, ${bpp.toFixed(3)} bpp, ${result.psnr.toFixed(2)} dB ` +
        `(width ${result.arch.width}, depth ${result.arch.depth}, Fourier ${result.arch.fourier ?? 0}, ${result.tiles.columns}x${result.tiles.rows} tiles${result.overlap > 0 ? ` overlapping ${result.overlap} px` : ''}, ${result.bitsPerParam.toFixed(2)} bits/param, ${result.steps}+${result.qatSteps} steps, ${result.seconds.toFixed(1)} s)\n`);
    }
    // Even with --quiet or --json: a file off its target rate is a surprise (on stderr, so --json stays parseable).
    if (result.rateHit === false) process.stderr.write(rateMissWarning(bpp, options.bpp ?? DEFAULT_BPP) + '\n');
  },
};
