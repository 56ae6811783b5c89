import type { Argv } from 'yargs';

/**
 * A command's examples, each as a shell comment saying what it does over the
 * command itself, at the full width of the help: yargs' two-column examples
 * cut a command longer than half the width in two, which then cannot be
 * copied.
 */
export function withExamples<T>(yargs: Argv<T>, examples: readonly (readonly [command: string, what: string])[]): Argv<T> {
  return examples.reduce((built, [command, what]) => built.example(`# ${what}\n${command}`, ''), yargs);
}
