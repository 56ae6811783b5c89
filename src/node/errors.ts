import { camelCase } from '../encoder/option-names.js';

/**
 * Exit codes of the `snfc` command (docs/cli.md "Limits and exit codes"). Scripts branch on
 * these, so they are stable.
 */
export const EXIT = {
  OK: 0,
  /** Encoding or decoding failed for a reason other than the ones below. */
  FAILURE: 1,
  /** A flag or argument is invalid. */
  USAGE: 2,
  /** The input is missing, unreadable, corrupt or unsupported. */
  INPUT: 3,
  /** The output cannot be written, or exists and --force was not given. */
  OUTPUT: 4,
  /** Interrupted (SIGINT/SIGTERM); nothing was written. */
  INTERRUPTED: 130,
} as const;

/** A user-facing failure: printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

/** An error's message up to its first line break: what fits the one line `snfc: …` prints. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.trim();
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.USAGE);
export const inputError = (message: string): CliError => new CliError(message, EXIT.INPUT);
export const outputError = (message: string): CliError => new CliError(message, EXIT.OUTPUT);

/**
 * What the Ctrl-C line says after "interrupted by SIGINT": a command whose
 * finished outputs stay (batch) says so instead of the default.
 */
export const interruptNote = { text: 'no output written' };

/**
 * yargs names an unknown dashed flag twice, as typed and camel-cased ("Unknown arguments: keep-metadta,
 * keepMetadta"): the user typed one of them.
 */
export function withoutCamelTwins(message: string): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown === null) return message;
  const names = unknown[1]!.split(', ');
  const typed = names.filter((name) => !names.some((other) => other !== name && camelCase(other) === name));
  return `${typed.length === 1 ? 'Unknown argument' : 'Unknown arguments'}: ${typed.join(', ')}`;
}
