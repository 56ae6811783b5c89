import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SnfFormatError } from '../format/index.js';
import { EncodeOptionsError } from '../encoder/options-error.js';
import type { CommandModule } from 'yargs';
import { CliError, EXIT, firstLine, interruptNote, withoutCamelTwins } from '../node/errors.js';
import { removePendingTempPaths } from '../node/files.js';
import { packageVersion } from './package-version.js';
import { enableRelaxedSimd } from '../node/relaxed-simd.js';
import { skipHelpCache } from './help-cache.js';
import { joinDashValues } from './validate.js';
import { checkEnvironment } from './environment.js';
import { likelyMeant } from '../spelling.js';

/**
 * The commands, each loaded only when it runs: `snfc decode` need not load
 * the encoder, the bench codecs or BullMQ, and starts that much sooner.
 * `--help` and mistakes load them all, so that yargs can list them;
 * `--version` none.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  encode: async () => (await import('./encode-command.js')).encodeCommand as unknown as CommandModule,
  decode: async () => (await import('./decode-command.js')).decodeCommand as unknown as CommandModule,
  info: async () => (await import('./info-command.js')).infoCommand as unknown as CommandModule,
  bench: async () => (await import('./bench-command.js')).benchCommand as unknown as CommandModule,
  batch: async () => (await import('./batch-command.js')).batchCommand as unknown as CommandModule,
  worker: async () => (await import('./worker-command.js')).workerCommand as unknown as CommandModule,
};

/** The command modules `args` needs: the one it names, or all of them. */
async function commandsFor(args: readonly string[]): Promise<CommandModule[]> {
  // `snfc --version` alone needs none (loading them all, sharp and BullMQ with them, took 0.2 s).
  if (args.length === 1 && args[0] === '--version') return [];
  const name = args[0];
  const one = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  return Promise.all(one ? [one()] : Object.values(COMMANDS).map((load) => load()));
}

/** Prints one line for a failure and returns its exit code; never a stack trace for user mistakes. */
function report(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`snfc: ${error.message}\n`);
    return error.exitCode;
  }
  // Options this input rules out (tiles larger than the image, a segment longer than the clip), in any command: a usage error.
  if (error instanceof EncodeOptionsError) {
    process.stderr.write(`snfc: ${error.message}\n`);
    return EXIT.USAGE;
  }
  if (error instanceof SnfFormatError) {
    process.stderr.write(`snfc: invalid .snf file: ${error.message}\n`);
    return EXIT.INPUT;
  }
  // A bug, not a user mistake: one line still (a library's message can run to ten); SNFC_DEBUG=1 shows it all.
  const message = error instanceof Error ? error.message : String(error);
  const more = message.includes('\n') && !process.env.SNFC_DEBUG ? ' (SNFC_DEBUG=1 shows more)' : '';
  process.stderr.write(`snfc: internal error: ${firstLine(error)}${more}\n`);
  if (process.env.SNFC_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  return EXIT.FAILURE;
}

/** The positionals that take a list (`snfc batch <inputs..>`); every other value that arrives as a list was a flag given twice. */
const LIST_POSITIONALS = new Set(['_', 'inputs']);

/**
 * Refuses a flag given twice (`--steps 3 --steps 5`), which yargs hands on as a list that the flag's own check would
 * print as `3,5`; a repeated `-o` is refused the same way (validate.ts). Run before yargs validates.
 */
function refuseRepeatedFlags(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    // Each flag arrives under its name, its camelCase twin and its one-letter alias: name it once, by its own name.
    if (!Array.isArray(value) || LIST_POSITIONALS.has(key) || key.length === 1 || /[A-Z]/.test(key)) continue;
    const same = JSON.stringify(value);
    const alias = Object.keys(argv).find((other) => other.length === 1 && other !== '_' && JSON.stringify(argv[other]) === same);
    throw new CliError(`give ${alias === undefined ? '' : `-${alias} (`}--${key}${alias === undefined ? '' : ')'} once`, EXIT.USAGE);
  }
}

/**
 * `; did you mean --steps?` after yargs' `Unknown argument: stpes`, where the one unknown flag is a slip of one of the
 * command's flags (their dashed names; yargs also keeps each under its camelCase twin and its one-letter alias).
 */
function flagGuess(message: string, command: CommandModule | undefined): string {
  const unknown = /^Unknown argument: ([^,\s]+)$/.exec(message)?.[1];
  if (unknown === undefined || typeof command?.builder !== 'function') return '';
  // The command's flags, read off its builder run on a parser of its own (getOptions is left out of yargs' types).
  const built = command.builder(yargs([])) as unknown as { getOptions?: () => { key?: Record<string, unknown> } };
  const flags = Object.keys(built.getOptions?.().key ?? {}).filter((name) => name.length > 1 && !/[A-Z]/.test(name));
  const meant = likelyMeant(unknown, flags);
  return meant === undefined ? '' : `; did you mean --${meant}?`;
}

function onSignal(signal: NodeJS.Signals): void {
  removePendingTempPaths();
  // On a terminal the progress bar hides the cursor and holds the line: give the cursor back and end the line. A log
  // or a pipe gets whole lines only, so there the message is the one line.
  process.stderr.write(`${process.stderr.isTTY ? '\x1b[?25h\n' : ''}snfc: interrupted by ${signal}; ${interruptNote.text}\n`);
  process.exit(EXIT.INTERRUPTED);
}

export async function main(args: string[]): Promise<number> {
  // Node 20 keeps relaxed-SIMD FMA behind a V8 flag; it must be on before any kernel module compiles.
  enableRelaxedSimd();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let parser = yargs(joinDashValues(args))
    .scriptName('snfc')
    .usage('$0 <command> [options]\n\nNeural-field codec for images and audio: fits small sine-activated networks (SIREN, weight-scaled init) to an image or a WAV clip and stores their quantized, entropy-coded weights. Decodes at any resolution or sample rate.');
  let commands: CommandModule[];
  try {
    commands = await commandsFor(args);
  } catch (error) {
    return report(error);
  }
  for (const command of commands) parser = parser.command(command);
  parser = parser
    .middleware(refuseRepeatedFlags, true)
    .middleware(() => checkEnvironment(), true)
    .demandCommand(1, 'name a command: encode, decode, info, bench, batch or worker')
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error) => {
      // Throw, so that yargs stops: a handler that returns lets it run the command after an unknown or conflicting flag.
      const text = withoutCamelTwins(message ?? 'invalid arguments');
      throw error ?? new CliError(`${text}${flagGuess(text, commands.length === 1 ? commands[0] : undefined)} (see snfc --help)`, EXIT.USAGE);
    });
  skipHelpCache(parser);
  try {
    await parser.parseAsync();
  } catch (error) {
    return report(error);
  }
  return EXIT.OK;
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
