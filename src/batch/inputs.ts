/**
 * The work list of a batch: the input files named on the command line or
 * found in its folders, each with the output it gets under the out folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inputError, usageError } from '../node/errors.js';
import { inputKindOf, type InputKind } from './encode-file.js';

export interface BatchItem {
  /** The input file, as found (relative to the working folder when given so). */
  readonly input: string;
  /** The output's path under the out folder, with '/' separators: the key of the manifest. */
  readonly relative: string;
  /** The output file: out folder + relative. */
  readonly output: string;
  readonly kind: InputKind;
}

/** Relative output name for `file` found under `root`: the same folders, `.snf` instead of the extension. */
function snfName(relativeInput: string): string {
  const parsed = path.parse(relativeInput);
  return path.join(parsed.dir, parsed.name + '.snf').split(path.sep).join('/');
}

async function walk(dir: string, recursive: boolean, skip: string, found: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    // Hidden files and folders: editors' and our own temp files, .git.
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && path.resolve(full) !== skip) await walk(full, recursive, skip, found);
    } else if (entry.isFile() && inputKindOf(entry.name) !== undefined) {
      found.push(full);
    }
  }
}

/**
 * Inputs in a stable order: files as named (any extension: the decoder
 * decides, and a file it cannot read is reported like any bad input), and
 * in folders the files of a known kind (`--recursive`: in sub-folders too,
 * except the out folder). A folder's files keep their path below it; a named
 * file goes to the top of the out folder.
 */
export async function collectInputs(args: readonly string[], outDir: string, recursive: boolean): Promise<BatchItem[]> {
  const items: BatchItem[] = [];
  const skip = path.resolve(outDir);
  for (const arg of args) {
    let stat;
    try {
      stat = await fs.stat(arg);
    } catch {
      throw inputError(`cannot read '${arg}': no such file or folder`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      await walk(arg, recursive, skip, found);
      found.sort();
      for (const file of found) {
        items.push({ input: file, relative: snfName(path.relative(arg, file)), output: '', kind: inputKindOf(file)! });
      }
    } else {
      items.push({ input: arg, relative: snfName(path.basename(arg)), output: '', kind: inputKindOf(arg) ?? 'image' });
    }
  }
  const byOutput = new Map<string, string>();
  const unique: BatchItem[] = [];
  for (const item of items) {
    const other = byOutput.get(item.relative);
    // The same file named twice (`batch photos photos/a.png`) is encoded once; two files for one output are refused.
    if (other !== undefined && path.resolve(other) === path.resolve(item.input)) continue;
    if (other !== undefined) throw usageError(`'${other}' and '${item.input}' would both be written to ${path.join(outDir, item.relative)}`);
    byOutput.set(item.relative, item.input);
    unique.push(item);
  }
  return unique.map((item) => ({ ...item, output: path.join(outDir, item.relative) }));
}
