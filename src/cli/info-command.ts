import type { ArgumentsCamelCase, Argv } from 'yargs';
import { describeSnf } from './describe.js';
import { readSnfInput } from './snf-input.js';
import { inputArgument } from './validate.js';
import { readInput } from '../node/files.js';

export const infoCommand = {
  command: 'info <input>',
  describe: 'Show what an .snf file holds and how well its weights are coded',
  builder: (yargs: Argv) => yargs
    .positional('input', { type: 'string', describe: '.snf file; - reads standard input', demandOption: true })
    .option('json', { type: 'boolean', describe: 'Print one JSON object' }),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const input = inputArgument(argv.input);
    const bytes = await readInput(input);
    const summary = describeSnf(bytes, readSnfInput(bytes, input));
    process.stdout.write(argv.json === true ? JSON.stringify({ input, ...summary }) + '\n' : summary.text + '\n');
  },
};
