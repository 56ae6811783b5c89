/**
 * Files as `snfc encode`, `decode`, `batch` and `bench` read and write them: an input read whole with one-line
 * errors (pipes and /dev/stdin too, `-` for standard input), an output checked before any work (never the input,
 * not over a file without --force) and written to a temp file of its own that is renamed into place, so that no
 * half-written file is ever left (`-o -`: standard output, in one piece); temp files and folders in flight are
 * removed on an interrupt.
 */
import { createReadStream, existsSync, promises as fs, constants as fsConstants, rmSync, statSync, type ReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, inputError, outputError, usageError } from './errors.js';

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

/** The name that stands for standard input as an input and for standard output as `-o`, as in most Unix tools. */
export const STANDARD_STREAM = '-';

/** How messages name a file: standard input or output by those words, anything else as given, in quotes. */
export function shownName(file: string, role: 'input' | 'output'): string {
  return file === STANDARD_STREAM ? labelOf(file, role) : `'${file}'`;
}

/** How a summary line starts: the file's name as given, or standard input or output by those words. */
export function labelOf(file: string, role: 'input' | 'output'): string {
  return file === STANDARD_STREAM ? `standard ${role}` : file;
}

/** Most bytes read from an input that is not a regular file (a pipe, /dev/stdin): it has no size to check first. */
const MAX_STREAMED_INPUT_BYTES = 1 << 30;

/** What a file system error code means, in words, for a one-line message. */
export function reason(error: unknown, fallback: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'a folder on its path is a file';
    case 'ENAMETOOLONG': return 'the name is too long';
    case 'EISDIR': return 'it is a directory';
    case 'EEXIST': return 'a file of that name is in the way';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'the file system is read-only';
    case 'ERR_FS_FILE_TOO_LARGE': return 'larger than 2 GiB, the most snfc reads';
    case 'EPIPE': return 'the reader closed it before the whole file was written';
    default: return code ?? fallback;
  }
}

/** Reads a stream-like input (a pipe, a device) to its end, at most MAX_STREAMED_INPUT_BYTES. */
async function readStreamed(file: string): Promise<Uint8Array> {
  let stream: AsyncIterable<Buffer>;
  try {
    stream = createReadStream(file, { highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => (stream as ReadStream).once('open', () => resolve()).once('error', reject));
  } catch (error) {
    // /dev/stdin that is a socket (a parent process's pipe) cannot be opened by name: read this process's stdin.
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || path.resolve(file) !== '/dev/stdin') throw error;
    stream = process.stdin;
  }
  return readToEnd(stream, shownName(file, 'input'));
}

/** The bytes of `stream` to its end, at most MAX_STREAMED_INPUT_BYTES (`name` is for the message). */
async function readToEnd(stream: AsyncIterable<Buffer>, name: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > MAX_STREAMED_INPUT_BYTES) throw inputError(`cannot read ${name}: more than ${MAX_STREAMED_INPUT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

/** Reads a whole input file (or a pipe such as /dev/stdin; `-`: standard input), turning every failure into one clear line. */
export async function readInput(file: string): Promise<Uint8Array> {
  const name = shownName(file, 'input');
  let read: () => Promise<Uint8Array>;
  if (file === STANDARD_STREAM) {
    // A terminal would wait for typed bytes: almost always a missing redirection.
    if (process.stdin.isTTY) throw inputError('cannot read standard input: it is a terminal; pipe or redirect a file into snfc, or name the file');
    read = () => readToEnd(process.stdin, name);
  } else {
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (error) {
      throw inputError(`cannot read ${name}: ${reason(error, 'no such file')}`);
    }
    if (stat.isDirectory()) throw inputError(`cannot read ${name}: it is a directory`);
    read = stat.isFile() ? async () => new Uint8Array(await fs.readFile(file)) : () => readStreamed(file);
  }
  let bytes: Uint8Array;
  try {
    bytes = await read();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw inputError(`cannot read ${name}: ${reason(error, 'read failed')}`);
  }
  if (bytes.length === 0) throw inputError(`cannot read ${name}: ${file === STANDARD_STREAM ? 'it is' : 'the file is'} empty`);
  return bytes;
}

/** Extensions of the images and clips snfc reads and writes: not what an .snf should be called. */
const NOT_SNF_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.avif', '.gif', '.wav'];

/**
 * An .snf about to be written under an image's or a clip's name (`-o out.png`) would puzzle every viewer that opens
 * it: it is written as asked, with a warning on stderr (not with `quiet`). Call it once the output is known good.
 */
export function warnIfMisnamed(output: string, quiet: boolean): void {
  const extension = path.extname(output).toLowerCase();
  if (quiet || output === STANDARD_STREAM || !NOT_SNF_EXTENSIONS.includes(extension)) return;
  process.stderr.write(`snfc: warning: '${output}' will hold an .snf file, not the ${extension.slice(1).toUpperCase()} its name says (use -o ${output.slice(0, -extension.length)}.snf)\n`);
}

/**
 * Refuses standard input with no `-o`: there is no name to derive the
 * output's from. A command whose output name waits on the input's content
 * (decode: .png or .wav) calls this before reading, so that a pipe's bytes
 * are not swallowed before a usage error.
 */
export function checkOutputNamed(input: string, output: string | undefined): void {
  if (input === STANDARD_STREAM && output === undefined) throw usageError('the input is standard input: name the output with -o FILE, or -o - for standard output');
}

/** `input` with its extension replaced by `extension` (".snf", ".png"); callers refuse standard input first (checkOutputNamed). */
export function defaultOutputName(input: string, extension: string): string {
  const parsed = path.parse(input);
  return path.join(parsed.dir, parsed.name + extension);
}

/**
 * What `snfc decode` writes by default: `photo.snf` to `photo.png` (`clip.wav`), unless that exists (most often it is
 * the photo that was encoded): then `photo.decoded.png`, so that the obvious `snfc encode photo.png && snfc decode
 * photo.snf` works, and --force (which then overwrites an earlier photo.decoded.png) never replaces the original.
 */
export function defaultDecodedName(input: string, extension: '.png' | '.wav'): string {
  const plain = defaultOutputName(input, extension);
  return existsSync(plain) ? defaultOutputName(input, `.decoded${extension}`) : plain;
}

/** Whether a name ends in a path separator (`out/`): a folder's name, never a file's. */
const endsInSeparator = (name: string): boolean => /[\\/]$/.test(name);

/**
 * Refuses an output that names a folder (`-o .`, `-o out/`) where the output's name is about to be read for its
 * format: an output error (exit 4), as checkOutput gives it, rather than a complaint about the missing extension.
 * `example` is the file name the message suggests inside it.
 */
export function refuseFolder(output: string, example: string): void {
  let folder = endsInSeparator(output);
  try {
    folder ||= statSync(output).isDirectory();
  } catch {
    // Nothing there, or nothing readable: the output's own checks say what.
  }
  if (folder) throw outputError(`cannot write '${output}': it names a folder; give a file name, such as ${path.join(output, example)}`);
}

/**
 * Checks, before any work starts, that `output` can be written: its folder
 * exists, it is not the input, and it does not exist unless `force`.
 */
export async function checkOutput(output: string, input: string, force: boolean): Promise<void> {
  if (output === STANDARD_STREAM) {
    // As gzip does: a terminal shows binary bytes as garbage and may take some of them for its own commands.
    if (process.stdout.isTTY) throw outputError('refusing to write a binary file to a terminal: redirect standard output, or name a file with -o');
    return;
  }
  if (input !== STANDARD_STREAM && (await wouldReplace(output, input))) throw outputError(`refusing to overwrite the input '${input}'`);
  if (endsInSeparator(output)) throw outputError(`cannot write '${output}': it names a folder; give a file name`);
  const dir = path.dirname(path.resolve(output));
  let folder;
  try {
    folder = await fs.stat(dir);
  } catch {
    throw outputError(`cannot write '${output}': folder '${path.dirname(output)}' does not exist`);
  }
  if (!folder.isDirectory()) throw outputError(`cannot write '${output}': '${path.dirname(output)}' is a file, not a folder`);
  try {
    const stat = await fs.stat(output);
    if (stat.isDirectory()) throw outputError(`cannot write '${output}': it is a directory`);
    if (!force) throw outputError(`'${output}' exists (use --force to overwrite)`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(`cannot write '${output}': ${reason(error, 'not writable')}`);
  }
  try {
    await fs.access(dir, fsConstants.W_OK);
  } catch {
    throw outputError(`cannot write '${output}': folder is not writable`);
  }
}

/**
 * Whether writing `output` would replace the file `input` is: the same path, or the same entry of the same folder
 * reached through a symbolic link (`alias.png` → `photo.png`, then `-o photo.png`; or a linked folder). Only the
 * entry counts: an output that is itself a link to the input is replaced by the new file, and the input stays.
 */
export async function wouldReplace(output: string, input: string): Promise<boolean> {
  if (path.resolve(output) === path.resolve(input)) return true;
  try {
    const realOutput = path.join(await fs.realpath(path.dirname(path.resolve(output))), path.basename(output));
    return realOutput === (await fs.realpath(input));
  } catch {
    // A missing input or output folder: the checks that follow (or the read) report it.
    return false;
  }
}

/**
 * Writes `bytes` to `output` as `writeOutputAtomically` does, or to standard output for `-o -`. Without `replace`
 * (no --force) a file that appeared at `output` while the command worked is not replaced either.
 */
export async function writeOutput(output: string, bytes: Uint8Array, replace: boolean): Promise<void> {
  if (output !== STANDARD_STREAM) return writeOutputAtomically(output, bytes, replace);
  try {
    // A reader that closes early (`| head`) fails the write with EPIPE and makes the stream emit 'error' too, which
    // with no listener would end the process with a stack trace: it is answered here, as one line.
    await new Promise<void>((resolve, reject) => {
      // The listener stays: the stream's 'error' may come after the write's callback, and unheard it would throw.
      process.stdout.on('error', reject);
      process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  } catch (error) {
    throw outputError(`cannot write standard output: ${reason(error, 'write failed')}`);
  }
}

/**
 * Writes `bytes` to `output` atomically: a temp file in the same folder,
 * then a rename, so a reader never sees half a file and a failure leaves
 * nothing behind. The temp file gets a name of its own and is created
 * exclusively (`wx`), so that no file or link planted under that name is
 * written through: the write fails instead. With `replace` false an
 * existing `output` is left as it is and the write fails (`placeNew`).
 */
export async function writeOutputAtomically(output: string, bytes: Uint8Array, replace = true): Promise<void> {
  // A short name of its own, whatever the output's length (any name the file system takes for the output works). The
  // process id and 64 random bits keep concurrent writers apart; `wx` makes a name known in advance harmless, so
  // node:crypto's random bytes are not needed (loading it took about 6 ms of every command).
  const temp = path.join(path.dirname(output), `.snfc-${process.pid.toString(36)}-${randomHex(8)}.tmp`);
  pendingTempPaths.add(temp);
  let created = false;
  try {
    await fs.writeFile(temp, bytes, { flag: 'wx' });
    created = true;
    if (replace) {
      await keepMode(output, temp);
      await fs.rename(temp, output);
    } else {
      await placeNew(temp, output);
    }
  } catch (error) {
    // Only a temp file this call made is removed: with EEXIST from the write the name was someone else's (a planted file or link).
    if (created || (error as NodeJS.ErrnoException).code !== 'EEXIST') await fs.rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof CliError) throw error;
    throw outputError(`cannot write '${output}': ${reason(error, 'write failed')}`);
  } finally {
    pendingTempPaths.delete(temp);
  }
}

/**
 * Gives `temp` the permissions of the file it is about to replace, as writing into that file would have kept them
 * (an output made private with chmod 600 stays private after --force). Nothing to keep where there is no file.
 */
async function keepMode(output: string, temp: string): Promise<void> {
  let mode;
  try {
    mode = (await fs.stat(output)).mode & 0o7777;
  } catch {
    return;
  }
  await fs.chmod(temp, mode);
}

/**
 * Moves the finished `temp` to `output` unless a file is there: checkOutput found none before the work, but another
 * command (or a second snfc aimed at the same name) may have made one since, and a rename would replace it. A hard
 * link fails on an existing name, so check and placement are one step; on a file system without hard links the
 * check comes just before the rename.
 */
async function placeNew(temp: string, output: string): Promise<void> {
  const appeared = (): CliError => outputError(`'${output}' appeared while snfc was working and was left as it is (use --force to overwrite)`);
  try {
    await fs.link(temp, output);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw appeared();
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    if (existsSync(output)) throw appeared();
    await fs.rename(temp, output);
    return;
  }
  await fs.rm(temp, { force: true });
}

/** `bytes` random bytes as hexadecimal, from Math.random (not for secrets). */
function randomHex(bytes: number): string {
  let hex = '';
  for (let i = 0; i < bytes; i++) hex += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return hex;
}
