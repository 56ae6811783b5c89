import { promises as fs, constants as fsConstants, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inputError, outputError } from './errors.js';

/** Temp files and folders in use now, removed if the process is interrupted. */
const pendingTempPaths = new Set<string>();

/** Removes the temp files and folders that work in flight left (called on SIGINT/SIGTERM). */
export function removePendingTempPaths(): void {
  for (const temp of pendingTempPaths) {
    try {
      rmSync(temp, { recursive: true, force: true });
    } catch {
      // Nothing more to do on the way out: the process exits next.
    }
  }
  pendingTempPaths.clear();
}

/**
 * Runs `use` with a new folder in the system temp folder (named `prefix` and a random tail), and removes the folder
 * afterwards, also when the process is interrupted while `use` runs.
 */
export async function withTempFolder<T>(prefix: string, use: (folder: string) => Promise<T>): Promise<T> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  pendingTempPaths.add(folder);
  try {
    return await use(folder);
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
    pendingTempPaths.delete(folder);
  }
}

/** Reads a whole input file, turning every failure into one clear line. */
export async function readInput(file: string): Promise<Uint8Array> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw inputError(`cannot read '${file}': no such file`);
  }
  if (stat.isDirectory()) throw inputError(`cannot read '${file}': it is a directory`);
  if (stat.size === 0) throw inputError(`cannot read '${file}': the file is empty`);
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (error) {
    throw inputError(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? 'read failed'}`);
  }
}

/** `input` with its extension replaced by `extension` (".snf", ".png"). */
export function defaultOutputName(input: string, extension: string): string {
  const parsed = path.parse(input);
  return path.join(parsed.dir, parsed.name + extension);
}

/**
 * Checks, before any work starts, that `output` can be written: its folder
 * exists, it is not the input, and it does not exist unless `force`.
 */
export async function checkOutput(output: string, input: string, force: boolean): Promise<void> {
  if (path.resolve(output) === path.resolve(input)) throw outputError(`refusing to overwrite the input '${input}'`);
  const dir = path.dirname(path.resolve(output));
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw new Error();
  } catch {
    throw outputError(`cannot write '${output}': folder '${path.dirname(output)}' does not exist`);
  }
  try {
    const stat = await fs.stat(output);
    if (stat.isDirectory()) throw outputError(`cannot write '${output}': it is a directory`);
    if (!force) throw outputError(`'${output}' exists (use --force to overwrite)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await fs.access(dir, fsConstants.W_OK);
  } catch {
    throw outputError(`cannot write '${output}': folder is not writable`);
  }
}

/**
 * Writes `bytes` to `output` atomically: a temp file in the same folder,
 * then a rename, so a reader never sees half a file and a failure leaves
 * nothing behind.
 */
export async function writeOutputAtomically(output: string, bytes: Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  pendingTempPaths.add(temp);
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, output);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw outputError(`cannot write '${output}': ${(error as NodeJS.ErrnoException).code ?? 'write failed'}`);
  } finally {
    pendingTempPaths.delete(temp);
  }
}
