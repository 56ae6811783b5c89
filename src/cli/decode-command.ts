import type { ArgumentsCamelCase, Argv } from 'yargs';
import { decodedSize, decodeImage, DEFAULT_MAX_OUTPUT_SAMPLES, DEFAULT_MAX_PIXELS } from '../decoder/index.js';
import { fileParameters } from '../format/index.js';
import { readSnfInput } from './snf-input.js';
import { decodeWork } from './threaded-forward.js';
import { GRID_LANE_WORK, startGridLane } from './grid-lanes.js';
import { checkOutput, checkOutputNamed, defaultDecodedName, readInput, writeOutput, labelOf, shownName } from '../node/files.js';
import { checkOutputSize, DEEP_OUTPUT_FORMATS, encodeImageFile, outputFormatFor } from '../io/image-io.js';
import { inputArgument, outputArgument, integerIn, oneOf, positiveNumber, sizeFlag } from './validate.js';
import { usageError } from '../node/errors.js';
import { withExamples } from './examples.js';

/** Largest output side `decode` accepts for --size, and largest --scale (the format's own limit on a side). */
const MAX_SIDE = 65536;
/** Largest --max-pixels: 2^30, a 32768 × 32768 image (4 GiB of RGBA samples). */
const MAX_MAX_PIXELS = 2 ** 30;

export const decodeCommand = {
  command: 'decode <input>',
  describe: 'Render an .snf file as an image at any resolution, or as a WAV clip at any sample rate',
  builder: (yargs: Argv) => withExamples(yargs
    .positional('input', { type: 'string', describe: '.snf file to decode; - reads standard input', demandOption: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Output image; format from its extension (.png .webp .jpg .tif); audio: a .wav; - writes a PNG (a WAV) to standard output [default: input name with .png (.wav), or .decoded.png (.decoded.wav) if that exists]' })
    .option('scale', { type: 'string', describe: `Scale factor of the original size, e.g. 2 or 0.5; above 0, the output at most ${MAX_SIDE} pixels a side [default: 1]` })
    .option('size', { type: 'string', describe: `Exact output size WIDTHxHEIGHT, e.g. 1536x1024; each 1–${MAX_SIDE}` })
    .option('max-pixels', { type: 'string', describe: `Refuse outputs of more pixels than this (width × height), 1–${MAX_MAX_PIXELS} [default: ${DEFAULT_MAX_PIXELS}]` })
    .option('bit-depth', { type: 'string', describe: 'Bits per sample of the output: 8, or 16 for .png and .tif (the field is continuous, so 16 bits are rounded from it, not scaled from 8) [default: 8]' })
    .option('strip', { type: 'boolean', describe: 'Leave out the EXIF, ICC profile and XMP the file keeps (encode --keep-metadata) [default: false: they are written back]' })
    .option('rate', { type: 'string', describe: 'Audio: output sample rate in Hz, 1 to 1536000; the field is evaluated at the new sample times [default: the file\'s]' })
    .option('start', { type: 'string', describe: 'Audio: first second to decode, from 0 to below the clip\'s length [default: 0]' })
    .option('end', { type: 'string', describe: 'Audio: second to stop at (exclusive), after --start [default: the end of the clip]' })
    .option('format', { type: 'string', describe: 'Audio: WAV sample format, s16, s24 or f32 [default: s16]' })
    .option('max-samples', { type: 'string', describe: `Audio: refuse outputs of more samples than this, all channels together, up to 2^31 [default: ${DEFAULT_MAX_OUTPUT_SAMPLES}]` })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Overwrite an existing output' })
    .conflicts('scale', 'size'), [
      ['$0 decode clip.snf -o clip.wav --rate 22050 --start 1 --end 2', 'one second of a clip at 22.05 kHz'],
      ['$0 decode photo.snf --scale 2', 'twice the resolution, as photo.png (photo.decoded.png if photo.png exists)'],
    ]),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const input = inputArgument(argv.input);
    const named = outputArgument(argv.output);
    checkOutputNamed(input, named);
    const bytes = await readInput(input);
    // The file read and checked once (an SnfFormatError here is reported as an invalid file): its header gives the kind
    // and the output size, checked before rendering, and the decoders render from it without parsing it again.
    const file = readSnfInput(bytes, input);
    const { header } = file;
    const work = { parameters: fileParameters(file), networks: file.networks.length };
    if (header.kind === 'audio') {
      // Loaded only for audio: the WAV writer is a fifth of the modules an image decode would load.
      const { decodeAudioFile } = await import('./decode-audio.js');
      return decodeAudioFile(argv, input, named, file, header, work);
    }
    for (const flag of ['rate', 'start', 'end', 'format', 'maxSamples'] as const) {
      if (argv[flag] !== undefined) throw usageError(`--${flag === 'maxSamples' ? 'max-samples' : flag} is for audio; ${shownName(input, 'input')} holds an image (use --scale, --size)`);
    }
    if (argv.scale !== undefined && argv.size !== undefined) throw usageError('use --scale or --size, not both');
    const size = argv.size !== undefined
      ? sizeFlag('size', argv.size, MAX_SIDE)
      : { scale: argv.scale === undefined ? 1 : positiveNumber('scale', argv.scale, MAX_SIDE) };
    const maxPixels = argv.maxPixels === undefined ? DEFAULT_MAX_PIXELS : integerIn('max-pixels', argv.maxPixels, 1, MAX_MAX_PIXELS);
    const output = named ?? defaultDecodedName(input, '.png');
    const format = outputFormatFor(output);
    const depth = Number(oneOf('bit-depth', argv.bitDepth === undefined ? '8' : String(argv.bitDepth), ['8', '16'] as const));
    if (depth === 16 && !DEEP_OUTPUT_FORMATS.includes(format)) throw usageError(`--bit-depth 16 needs a .png or .tif output; ${format.toUpperCase()} holds 8 bits`);
    const out = decodedSize(header, size);
    if (out.width > MAX_SIDE || out.height > MAX_SIDE) {
      throw usageError(`the output would be ${out.width}x${out.height}, over ${MAX_SIDE} pixels a side; ask for a smaller --scale`);
    }
    if (out.width * out.height > maxPixels) {
      throw usageError(`the output would be ${out.width}x${out.height} = ${out.width * out.height} pixels, over --max-pixels ${maxPixels}; ask for a smaller size or raise --max-pixels`);
    }
    checkOutputSize(output, format, out.width, out.height);
    await checkOutput(output, input, argv.force === true);
    // A second thread for large outputs (grid-lanes.ts); the samples are the same either way.
    const lane = decodeWork(out.width * out.height, work.parameters, work.networks) >= GRID_LANE_WORK ? startGridLane() : undefined;
    let image;
    try {
      image = await decodeImage(file, size, { maxPixels }, { sampleBits: depth === 16 ? 16 : 8, lanes: lane ? [lane.evaluate] : [] });
    } finally {
      await lane?.close();
    }
    const metadata = argv.strip === true ? {} : file.metadata ?? {};
    const encoded = await encodeImageFile(image, format, metadata);
    await writeOutput(output, encoded.bytes, argv.force === true);
    for (const notice of encoded.notices) process.stderr.write(`snfc: notice: ${notice}\n`);
    const kept = encoded.kept;
    process.stderr.write(`${labelOf(output, 'output')}: ${image.width}x${image.height}${depth === 16 ? ', 16-bit' : ''}${kept.length > 0 ? `, with ${kept.join(', ')}` : ''}\n`);
  },
};
