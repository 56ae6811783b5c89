import type { ArgumentsCamelCase, Argv } from 'yargs';
import { decodeImage } from '../decoder/index.js';
import { checkOutput, defaultOutputName, readInput, writeOutputAtomically } from './files.js';
import { encodeImageFile, outputFormatFor } from './image-io.js';
import { positiveNumber, sizeFlag } from './validate.js';
import { usageError } from './errors.js';

/** Largest output side `decode` accepts for --size (the format's own limit). */
const MAX_SIDE = 65536;

export const decodeCommand = {
  command: 'decode <input>',
  describe: 'Render an .snf file as an image, at any resolution',
  builder: (yargs: Argv) => yargs
    .positional('input', { type: 'string', describe: '.snf file to decode', demandOption: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Output image; format from its extension (.png .webp .jpg .tif) [default: input name with .png]' })
    .option('scale', { type: 'string', describe: 'Scale factor of the original size, e.g. 2 or 0.5 [default: 1]' })
    .option('size', { type: 'string', describe: 'Exact output size WIDTHxHEIGHT, e.g. 1536x1024' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Overwrite an existing output' })
    .conflicts('scale', 'size')
    .example('$0 decode photo.snf --scale 2', 'writes photo.png at twice the resolution'),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const input = String(argv.input);
    if (argv.scale !== undefined && argv.size !== undefined) throw usageError('use --scale or --size, not both');
    const size = argv.size !== undefined
      ? sizeFlag('size', argv.size, MAX_SIDE)
      : { scale: argv.scale === undefined ? 1 : positiveNumber('scale', argv.scale, 64) };
    const output = typeof argv.output === 'string' ? argv.output : defaultOutputName(input, '.png');
    const format = outputFormatFor(output);
    const bytes = await readInput(input);
    await checkOutput(output, input, argv.force === true);
    const image = await decodeImage(bytes, size);
    await writeOutputAtomically(output, await encodeImageFile(image, format));
  },
};
